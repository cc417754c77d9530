import django.db.models.deletion
from django.db import migrations, models


def register_attribute_keys(apps, schema_editor):
    """Placeholders accept only known fields: make every attribute key contacts already carry known."""
    Contact = apps.get_model("campaigns", "Contact")
    ContactField = apps.get_model("campaigns", "ContactField")
    keys: dict[int, set[str]] = {}
    for account_id, attributes in Contact.objects.exclude(attributes={}).values_list("account_id", "attributes").iterator(chunk_size=5000):
        if isinstance(attributes, dict):
            keys.setdefault(account_id, set()).update(str(k)[:60] for k in attributes if str(k).strip())
    ContactField.objects.bulk_create(
        [ContactField(account_id=a, key=k, label=k.replace("_", " ").title()) for a, ks in keys.items() for k in sorted(ks)],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ('campaigns', '0008_provider_operations'),
    ]

    operations = [
        migrations.AddField(
            model_name="message",
            name="test_of",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="test_messages",
                to="campaigns.campaign",
            ),
        ),
        migrations.RunPython(register_attribute_keys, migrations.RunPython.noop),
    ]
