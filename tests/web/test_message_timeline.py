"""One message's timeline: every status with its time (in the viewer's zone), the provider's
error text, the delivery reports, and the HTTP exchange link for admins only."""

from decimal import Decimal

import pytest
from django.test import Client

from campaigns.models import Contact, ListMembership, Message, Price
from campaigns.services.campaigns import launch
from campaigns.services.ledger import top_up


@pytest.fixture
def launched(world, simulators, draft, contact_list):
    """Sent through the VT simulator to 5 contacts plus one it reports undelivered."""
    world.account.timezone = "Asia/Karachi"
    world.account.save()
    failing = Contact.objects.create(account=world.account, phone="+923001234529", first_name="Fail", last_name="Case")
    ListMembership.objects.create(contact_list=contact_list, contact=failing)
    Price.objects.create(account=world.account, channel="sms", prefix="", amount=Decimal("0.01"))
    top_up(world.account, Decimal("10"))
    draft.connection.set_credentials({"apikey": "acme-key"})
    draft.connection.save()
    launch(draft, world.marketer)
    simulators.deliver(Client())
    draft.refresh_from_db()
    return draft


def _timeline(client, message):
    return client.get(f"/campaigns/{message.campaign_id}/messages/{message.pk}/timeline.json")


def test_undelivered_message_shows_each_stage_and_the_error(marketer_client, launched):
    message = Message.objects.get(campaign=launched, to="+923001234529")
    data = _timeline(marketer_client, message).json()
    assert data["name"] == "Fail Case" and data["status_label"] == "Not delivered"
    labels = [s["label"] for s in data["steps"]]
    assert labels[0] == "Created" and "Accepted by the provider" in labels and labels[-1] == "Not delivered"
    assert [s["at"] for s in data["steps"]] == sorted(s["at"] for s in data["steps"])
    assert all(s["when"].endswith("PKT") for s in data["steps"])
    assert "Not delivered" in data["error"] and data["error"] == data["steps"][-1]["detail"]
    assert any(message.provider_message_id in s["detail"] for s in data["steps"])
    assert data["reports"] and data["reports"][0]["when"].endswith("PKT")


def test_admin_gets_the_http_exchange_link_marketer_does_not(admin_client, marketer_client, launched):
    from providers.models import ProviderCall

    message = Message.objects.get(campaign=launched, to="+923001234529")
    data = _timeline(admin_client, message).json()
    call = ProviderCall.objects.get(pk=int(data["http_url"].rstrip("/").split("/")[-1]))
    assert data["http_url"] == f"/admin/http-log/{call.pk}/" and call.connection_id == message.connection_id
    assert message.provider_message_id in call.response_body or message.to.lstrip("+")[-9:] in call.request_body
    assert admin_client.get(data["http_url"]).status_code == 200
    assert "http_url" not in _timeline(marketer_client, message).json()


def test_viewer_may_read_the_timeline(viewer_client, launched):
    message = Message.objects.filter(campaign=launched).first()
    assert _timeline(viewer_client, message).status_code == 200


def test_outsider_and_wrong_campaign_get_404(outsider_client, marketer_client, launched, foreign):
    message = Message.objects.filter(campaign=launched).first()
    assert _timeline(outsider_client, message).status_code == 404
    assert marketer_client.get(f"/campaigns/{foreign['campaign'].pk}/messages/{message.pk}/timeline.json").status_code == 404


def test_unknown_message_says_so(marketer_client, launched):
    message = Message.objects.filter(campaign=launched).first()
    Message.objects.filter(pk=message.pk).update(status="unknown", delivered_at=None, failed_at=None)
    data = _timeline(marketer_client, message).json()
    assert data["steps"][-1]["label"] == "Unknown" and "may or may not" in data["steps"][-1]["detail"]


def test_needs_a_login(client, launched):
    message = Message.objects.filter(campaign=launched).first()
    assert _timeline(client, message).status_code == 302
