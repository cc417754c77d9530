"""Templates: SMS (errors, counter page), voice call templates, WhatsApp sync in the
background from the provider (VT simulator), roles."""

from campaigns.models import Template
from tests.conftest import make_connection


def test_create_sms_template_and_errors(marketer_client, world):
    response = marketer_client.post("/templates/new/", {"kind": "sms", "name": "Hello", "body": ""})
    assert "Write the message text" in response.content.decode()
    response = marketer_client.post("/templates/new/", {"kind": "sms", "name": "Long", "body": "€" * 900})
    assert "Too long" in response.content.decode()
    marketer_client.post("/templates/new/", {"kind": "sms", "name": "Hello", "body": "Hi {{ first_name }}"})
    template = Template.objects.get(name="Hello")
    assert template.subaccount == world.subaccount and template.kind == "sms"
    page = marketer_client.get(f"/templates/{template.pk}/edit/").content.decode()
    assert "sms-counter" in page and "sms-counter.js" in page


def test_voice_call_template_needs_its_number_and_connection(marketer_client, world, vt_connection):
    response = marketer_client.post("/templates/new/", {"kind": "voice", "name": "Flow"})
    errors = response.context["form"].errors
    assert "provider_template_id" in errors and "connection" in errors
    marketer_client.post(
        "/templates/new/",
        {"kind": "voice", "name": "Flow", "provider_template_id": "7", "connection": vt_connection.pk, "variables_text": "name\ncode"},
    )
    template = Template.objects.get(name="Flow")
    assert (template.provider_template_id, template.variables) == ("7", ["name", "code"])


def test_whatsapp_sync_runs_in_the_background(marketer_client, world, simulators):
    conn = make_connection(world.account, "vt", credentials={"apikey": "acme-key"})
    page = marketer_client.get("/templates/").content.decode()
    assert "Sync WhatsApp templates" in page
    response = marketer_client.post("/templates/sync/", {"connection": conn.pk}, follow=True)
    assert "Syncing templates" in response.content.decode()
    synced = Template.objects.filter(account=world.account, kind="whatsapp", connection=conn)
    assert synced.exists()
    assert all(t.provider_template_id and t.synced_at for t in synced)
    first = synced.first()
    assert marketer_client.get(f"/templates/{first.pk}/edit/")["Location"] == "/templates/"


def test_sync_refuses_a_connection_without_template_sync(marketer_client, world):
    conn = make_connection(world.account, "wavy", name="Wavy", credentials={"username": "u", "authenticationtoken": "t"})
    response = marketer_client.post("/templates/sync/", {"connection": conn.pk}, follow=True)
    assert "Choose a connection that can list" in response.content.decode()


def test_roles_and_other_account(viewer_client, outsider_client, world):
    template = Template.objects.create(account=world.account, name="T", body="x")
    assert viewer_client.get("/templates/").status_code == 200
    assert viewer_client.get("/templates/new/").status_code == 403
    assert viewer_client.post(f"/templates/{template.pk}/delete/").status_code == 403
    assert viewer_client.post("/templates/sync/").status_code == 403
    assert outsider_client.get(f"/templates/{template.pk}/edit/").status_code == 404
    assert outsider_client.post(f"/templates/{template.pk}/delete/").status_code == 404
    assert Template.objects.filter(pk=template.pk).exists()


def test_delete(marketer_client, world):
    template = Template.objects.create(account=world.account, name="T", body="x")
    marketer_client.post(f"/templates/{template.pk}/delete/")
    assert not Template.objects.filter(pk=template.pk).exists()


def test_empty_templates_page_offers_to_write_one(marketer_client, viewer_client, world):
    assert 'href="/templates/new/">Write an SMS template</a>' in marketer_client.get("/templates/").content.decode()
    assert "No templates of this kind" in marketer_client.get("/templates/?kind=voice").content.decode()
    assert "/templates/new/" not in viewer_client.get("/templates/").content.decode()


def test_sms_template_refuses_an_unknown_placeholder(marketer_client, world):
    response = marketer_client.post("/templates/new/", {"kind": "sms", "name": "Typo", "body": "Hi {{ firstname }}"})
    assert "Unknown placeholder {{ firstname }}" in response.content.decode()
    assert not world.account.templates.filter(name="Typo").exists()
