"""The composer drives every channel end to end against the simulators: a voice call with
a recording and a WhatsApp template through VT, a flash SMS through V-Appstore."""

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from campaigns.models import Campaign, Message, Price, SenderID, Template, VoiceRecording
from campaigns.services.ledger import top_up
from tests.conftest import make_connection


@pytest.fixture
def funded(world, contact_list):
    for channel in ("sms", "voice", "whatsapp"):
        Price.objects.create(account=world.account, channel=channel, prefix="", amount=Decimal("0.01"))
    top_up(world.account, Decimal("100"))
    return world


def compose(client, data: dict, steps: dict) -> Campaign:
    assert client.post("/campaigns/new/", data).status_code == 302
    campaign = Campaign.objects.get(name=data["name"])
    for step, values in steps.items():
        response = client.post(f"/campaigns/{campaign.pk}/edit/{step}/", values)
        assert response.status_code == 302, (step, response.context["form"].errors)
    response = client.post(f"/campaigns/{campaign.pk}/launch/", follow=True)
    assert "was not launched" not in response.content.decode(), response.content.decode()
    return campaign


def test_voice_call_campaign(marketer_client, funded, simulators, contact_list):
    conn = make_connection(funded.account, "vt", credentials={"apikey": "acme-key"})
    caller = SenderID.objects.create(account=funded.account, channel="voice", value="+923001110000", status="approved", connection=conn)
    recording = VoiceRecording(account=funded.account, name="Promo", status="approved", provider_reference="11384", connection=conn)
    recording.file.save("promo.wav", ContentFile(b"RIFF"), save=True)
    campaign = compose(
        marketer_client,
        {"name": "Calls", "channel": "voice", "voice_kind": "call"},
        {
            "sender": {"sender": caller.pk},
            "content": {"recording": recording.pk, "call_parameters": "{{ first_name }}", "max_voice_repeat": 1, "max_call_attempts": 1},
            "audience": {"lists": [contact_list.pk]},
            "schedule": {"when": "now", "timezone": "UTC"},
        },
    )
    assert Message.objects.filter(campaign=campaign, channel="voice").count() == 5
    simulators.deliver(Client())
    stats = marketer_client.get(f"/campaigns/{campaign.pk}/stats.json").json()
    assert sum(n for _, n in stats["voice_outcomes"]) == 5


def test_whatsapp_template_campaign(marketer_client, funded, simulators, contact_list):
    conn = make_connection(funded.account, "vt", credentials={"apikey": "acme-key"})
    number = SenderID.objects.create(account=funded.account, channel="whatsapp", value="+923001112222", status="approved", connection=conn)
    template = Template.objects.create(
        account=funded.account, kind="whatsapp", name="promo", body="Hi {{1}}", connection=conn, provider_template_id="101", variables=["1"]
    )
    campaign = compose(
        marketer_client,
        {"name": "WA", "channel": "whatsapp", "whatsapp_type": "template"},
        {
            "sender": {"sender": number.pk},
            "content": {"template": template.pk, "variables": "{{ first_name }}"},
            "audience": {"lists": [contact_list.pk]},
            "schedule": {"when": "now", "timezone": "UTC"},
        },
    )
    simulators.deliver(Client())
    counts = marketer_client.get(f"/campaigns/{campaign.pk}/counts.json").json()["counts"]
    assert counts["total"] == 5 and counts["delivered"] == 5


def test_flash_sms_campaign(marketer_client, funded, simulators, contact_list):
    conn = make_connection(funded.account, "vappstore", name="V-App", credentials={"applicationId": "APP_1", "password": "pw"})
    sender = SenderID.objects.create(account=funded.account, channel="sms", value="ACME", status="approved", connection=conn)
    campaign = compose(
        marketer_client,
        {"name": "Flash", "channel": "sms", "flash": "on"},
        {
            "sender": {"sender": sender.pk},
            "content": {"text": "Flash sale now!"},
            "audience": {"lists": [contact_list.pk]},
            "schedule": {"when": "now", "timezone": "UTC"},
        },
    )
    assert Message.objects.filter(campaign=campaign, flash=True).count() == 5
    simulators.deliver(Client())
    assert marketer_client.get(f"/campaigns/{campaign.pk}/counts.json").json()["progress"]["final"] == 5


def test_ussd_menu_campaign(marketer_client, funded, simulators, contact_list):
    Price.objects.create(account=funded.account, channel="ussd", prefix="", amount=Decimal("0.01"))
    make_connection(funded.account, "vappstore", name="V-App", credentials={"applicationId": "APP_1", "password": "pw"})
    campaign = compose(
        marketer_client,
        {"name": "Survey", "channel": "ussd"},
        {
            "sender": {},
            "content": {"ussd_steps": "How was your visit? 1) Good 2) Bad\n---\nThank you!"},
            "audience": {"lists": [contact_list.pk]},
            "schedule": {"when": "now", "timezone": "UTC"},
        },
    )
    assert Message.objects.filter(campaign=campaign, channel="ussd").count() == 5
    simulators.deliver(Client())
    page = marketer_client.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert "chart-ussd" in page and "How was your visit?" in page
