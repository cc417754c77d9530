"""Webhook bodies become bytes, exactly as received. Existing bodies (stored as text) are kept:
copied into the new column as their UTF-8 bytes, in SQL (fast on a large table)."""

from django.db import migrations, models


def copy_text_bodies(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    table = schema_editor.quote_name(apps.get_model("providers", "WebhookEvent")._meta.db_table)
    if vendor == "postgresql":
        schema_editor.execute(f"UPDATE {table} SET body_bytes = convert_to(body, 'UTF8')")
    elif vendor == "sqlite":
        schema_editor.execute(f"UPDATE {table} SET body_bytes = CAST(body AS BLOB)")
    else:
        WebhookEvent = apps.get_model("providers", "WebhookEvent")
        for event in WebhookEvent.objects.only("pk", "body").iterator(chunk_size=2000):
            WebhookEvent.objects.filter(pk=event.pk).update(body_bytes=event.body.encode("utf-8"))


class Migration(migrations.Migration):
    dependencies = [("providers", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="webhookevent",
            name="body_bytes",
            field=models.BinaryField(blank=True, default=b""),
        ),
        migrations.RunPython(copy_text_bodies, migrations.RunPython.noop, elidable=True),
        migrations.RemoveField(model_name="webhookevent", name="body"),
        migrations.RenameField(model_name="webhookevent", old_name="body_bytes", new_name="body"),
        migrations.AlterField(
            model_name="webhookevent",
            name="body",
            field=models.BinaryField(blank=True, default=b"", help_text="The raw body, byte for byte as received."),
        ),
    ]
