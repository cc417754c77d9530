"""/api/v1/conversations: list with filters, one thread with its messages, replies; scoped."""

from __future__ import annotations

from decimal import Decimal

import pytest

from campaigns.models import Campaign, Conversation, Message, Price, Subaccount, Suppression
from campaigns.services import conversations
from campaigns.services.inbound import apply_inbound
from campaigns.services.ledger import top_up
from providers.base import InboundItem
from tests.api.conftest import assert_access, error_of

URL = "/api/v1/conversations"
PHONE = "+923001234567"


@pytest.fixture
def funded(world):
    Price.objects.create(account=world.account, channel="sms", prefix="", unit=Price.Unit.SEGMENT, amount=Decimal("0.01"))
    top_up(world.account, Decimal("10"))


def mo(connection, text: str, phone: str = PHONE) -> Conversation:
    apply_inbound(connection, [InboundItem(kind="sms", from_number=phone, text=text, to="8333")])
    return Conversation.objects.get(phone=phone)


def test_list_filters_and_thread(api, world, vt_connection):
    campaign = Campaign.objects.create(account=world.account, name="Promo", connection=vt_connection)
    Message.objects.create(account=world.account, campaign=campaign, connection=vt_connection, to=PHONE, text="Promo!", status="delivered")
    promo = mo(vt_connection, "tell me more")
    quiet = mo(vt_connection, "stop", phone="+923001234568")
    Conversation.objects.filter(pk=quiet.pk).update(assigned_to=world.admin)
    conversations.mark_read(quiet, world.marketer)  # read by someone: not unread for an API key

    listed = api.get(URL).json()["results"]
    assert {c["id"] for c in listed} == {promo.pk, quiet.pk}
    assert [c["id"] for c in api.get(URL, {"unread": "true"}).json()["results"]] == [promo.pk]
    assert [c["id"] for c in api.get(URL, {"opted_out": "true"}).json()["results"]] == [quiet.pk]
    assert [c["id"] for c in api.get(URL, {"campaign": campaign.pk}).json()["results"]] == [promo.pk]
    assert [c["id"] for c in api.get(URL, {"assigned_to": world.admin.pk}).json()["results"]] == [quiet.pk]
    assert [c["id"] for c in api.get(URL, {"phone": PHONE}).json()["results"]] == [promo.pk]
    assert api.get(URL, {"unread": "yes"}).status_code == 400
    assert api.get(URL, {"assigned_to": "9" * 30}).status_code == 400

    thread = api.get(f"{URL}/{promo.pk}").json()
    assert thread["phone"] == PHONE and thread["unread"] == 1 and thread["opted_out"] is False
    assert [(m["direction"], m["text"], m["status"], m["campaign"]) for m in thread["messages"]] == [
        ("in", "tell me more", None, campaign.pk),
        ("out", "Promo!", "delivered", campaign.pk),
    ]
    stop = [m for m in api.get(f"{URL}/{quiet.pk}").json()["messages"] if m["direction"] == "in"]
    assert [(m["text"], m["keyword"]) for m in stop] == [("stop", "opt_out")]


def test_reply_is_sent_once_per_idempotency_key(api, world, vt_connection, funded):
    conversation = mo(vt_connection, "hello?")
    headers = {"HTTP_IDEMPOTENCY_KEY": "r-1"}
    first = api.post(f"{URL}/{conversation.pk}/replies", {"text": "Hi! How can we help?"}, **headers)
    assert first.status_code == 201, first.content
    again = api.post(f"{URL}/{conversation.pk}/replies", {"text": "Hi! How can we help?"}, **headers)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    message = Message.objects.get(text="Hi! How can we help?")
    assert (message.to, message.connection, message.sender, message.campaign) == (PHONE, vt_connection, "8333", None)
    assert api.get(f"{URL}/{conversation.pk}").json()["messages"][0]["text"] == "Hi! How can we help?"


def test_refused_replies_say_why(api, world, vt_connection, funded):
    conversation = mo(vt_connection, "hi")
    assert error_of(api.post(f"{URL}/{conversation.pk}/replies", {"text": ""}))["code"] == "send_refused"
    whatsapp = api.post(f"{URL}/{conversation.pk}/replies", {"channel": "whatsapp", "template": 99})
    assert whatsapp.status_code == 400 and error_of(whatsapp)["fields"] == {"template": ["unknown"]}
    Suppression.objects.create(account=world.account, phone=PHONE)
    refused = api.post(f"{URL}/{conversation.pk}/replies", {"text": "Offer!"})
    assert refused.status_code == 422 and "opted out" in error_of(refused)["message"]
    assert not Message.objects.filter(text="Offer!").exists()


def test_access(apis, world, vt_connection, funded):
    campaign = Campaign.objects.create(account=world.account, subaccount=world.subaccount, name="c", connection=vt_connection)
    Message.objects.create(account=world.account, subaccount=world.subaccount, campaign=campaign, connection=vt_connection, to=PHONE)
    ours = mo(vt_connection, "to marketing")
    sales = Subaccount.objects.create(account=world.account, name="Sales")
    other = Campaign.objects.create(account=world.account, subaccount=sales, name="s", connection=vt_connection)
    Message.objects.create(account=world.account, subaccount=sales, campaign=other, connection=vt_connection, to="+923001234569")
    theirs = mo(vt_connection, "to sales", phone="+923001234569")

    assert_access(f"{URL}/{ours.pk}", apis)
    assert_access(f"{URL}/{ours.pk}/replies", apis, method="post", data={"text": "x"})
    assert [c["id"] for c in apis["sub"].get(URL).json()["results"]] == [ours.pk]
    assert apis["sub"].get(f"{URL}/{theirs.pk}").status_code == 404
    assert apis["sub"].post(f"{URL}/{theirs.pk}/replies", {"text": "x"}).status_code == 404
    assert apis["ro"].post(f"{URL}/{ours.pk}/replies", {"text": "x"}).status_code == 403
    assert apis["sub"].post(f"{URL}/{ours.pk}/replies", {"text": "from the key"}).status_code == 201
    assert Message.objects.get(text="from the key").subaccount == world.subaccount
