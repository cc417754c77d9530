"""Conversations: threads per contact fed by the inbound and single-send services; unread,
read, assign, done and reopen; the thread page; who may see and do what."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import Campaign, Contact, Conversation, InboundMessage, Message, Subaccount, Suppression, UssdSession
from campaigns.services import conversations
from campaigns.services.inbound import apply_inbound
from campaigns.services.messaging import send_single
from providers.base import InboundItem
from tests.conftest import make_connection, make_user

PHONE = "+923001234567"


@pytest.fixture(autouse=True)
def _funded(world, settings):
    from decimal import Decimal

    from campaigns.services.ledger import top_up

    top_up(world.account, Decimal("50"))


def mo(connection, text: str, phone: str = PHONE, **kw) -> InboundMessage:
    kind = kw.pop("kind", "sms")
    apply_inbound(connection, [InboundItem(kind=kind, from_number=phone.lstrip("+"), text=text, to="8333", **kw)])
    return InboundMessage.objects.filter(from_number=phone).order_by("-id").first()


def campaign_message(world, connection, text: str, subaccount=None, channel="sms", campaign=None) -> Message:
    campaign = campaign or Campaign.objects.create(account=world.account, subaccount=subaccount, name="Autumn sale", connection=connection)
    return Message.objects.create(
        account=world.account, subaccount=subaccount, campaign=campaign, connection=connection, channel=channel, to=PHONE, text=text
    )


def test_thread_holds_campaign_message_replies_and_ussd_newest_first(world, vt_connection):
    sent = campaign_message(world, vt_connection, "Autumn sale: 20% off", subaccount=world.subaccount)
    first = mo(vt_connection, "How long?")
    ussd = mo(vt_connection, "2", kind="ussd", session_id="s-1")
    later = send_single(
        account=world.account, connection=vt_connection, channel="sms", to=PHONE, text="Until Friday", subaccount=world.subaccount
    )
    times = [timezone.now() - timedelta(minutes=m) for m in (30, 20, 10, 5)]
    Message.objects.filter(pk=sent.pk).update(created_at=times[0])
    InboundMessage.objects.filter(pk=first.pk).update(received_at=times[1])
    InboundMessage.objects.filter(pk=ussd.pk).update(received_at=times[2])
    Message.objects.filter(pk=later.pk).update(created_at=times[3])

    conversation = Conversation.objects.get()
    assert (conversation.phone, conversation.subaccount, conversation.inbound_count) == (PHONE, world.subaccount, 2)
    items = conversations.thread(conversation)
    assert [(i.direction, i.text, i.kind) for i in items] == [
        ("out", "Until Friday", "sms"),
        ("in", "2", "ussd"),
        ("in", "How long?", "sms"),
        ("out", "Autumn sale: 20% off", "sms"),
    ]
    conversation.refresh_from_db()
    assert (conversation.last_text, conversation.last_direction) == ("Until Friday", "out")


def test_another_subaccount_messages_stay_out_of_the_thread(world, vt_connection):
    sales = Subaccount.objects.create(account=world.account, name="Sales")
    campaign_message(world, vt_connection, "for marketing", subaccount=world.subaccount)
    mo(vt_connection, "hi marketing")
    campaign_message(world, vt_connection, "for sales", subaccount=sales)
    mo(vt_connection, "hi sales")
    theirs = Conversation.objects.get(subaccount=sales)
    ours = Conversation.objects.get(subaccount=world.subaccount)
    assert [i.text for i in conversations.thread(theirs)] == ["hi sales", "for sales"]
    assert "for sales" not in [i.text for i in conversations.thread(ours)]


def test_opening_the_thread_marks_it_read_and_the_nav_counts_unread(world, vt_connection, marketer_client):
    mo(vt_connection, "one")
    mo(vt_connection, "two")
    conversation = Conversation.objects.get()
    page = marketer_client.get("/conversations/").content.decode()
    assert 'class="nav-count" aria-label="1 unread"' in page and 'aria-label="2 unread">2<' in page
    marketer_client.get(f"/conversations/{conversation.pk}/")
    conversation.refresh_from_db()
    assert conversation.read_by == world.marketer and conversation.read_at is not None
    assert "nav-count" not in marketer_client.get("/conversations/").content.decode()
    mo(vt_connection, "three")
    assert 'aria-label="1 unread">1<' in marketer_client.get("/conversations/").content.decode()


def test_assign_to_a_user_and_filter_assigned_to_me(world, vt_connection, marketer_client, admin_client):
    mo(vt_connection, "mine")
    mo(vt_connection, "not mine", phone="+923001234568")
    conversation = Conversation.objects.get(phone=PHONE)
    response = admin_client.post(f"/conversations/{conversation.pk}/assign/", {"user": world.marketer.pk})
    assert response.status_code == 302
    conversation.refresh_from_db()
    assert conversation.assigned_to == world.marketer
    page = marketer_client.get("/conversations/", {"mine": "1"}).content.decode()
    assert "mine" in page and "not mine" not in page
    # A viewer or a user of another account cannot take a conversation.
    admin_client.post(f"/conversations/{conversation.pk}/assign/", {"user": world.viewer.pk})
    admin_client.post(f"/conversations/{conversation.pk}/assign/", {"user": world.outsider.pk})
    conversation.refresh_from_db()
    assert conversation.assigned_to == world.marketer


def test_done_leaves_the_open_list_and_a_new_message_reopens_it(world, vt_connection, marketer_client):
    mo(vt_connection, "thanks, all good")
    conversation = Conversation.objects.get()
    marketer_client.post(f"/conversations/{conversation.pk}/done/", {"done": "1"})
    conversation.refresh_from_db()
    assert conversation.status == "done" and conversation.done_at is not None
    assert "thanks, all good" not in marketer_client.get("/conversations/").content.decode()
    assert "thanks, all good" in marketer_client.get("/conversations/", {"show": "done"}).content.decode()
    mo(vt_connection, "one more thing")
    conversation.refresh_from_db()
    assert conversation.status == "open" and conversation.done_at is None and conversation.inbound_count == 2


def test_filters_unread_opted_out_and_campaign(world, vt_connection, marketer_client):
    campaign = Campaign.objects.create(account=world.account, subaccount=world.subaccount, name="Spring promo", connection=vt_connection)
    campaign_message(world, vt_connection, "promo", subaccount=world.subaccount, campaign=campaign)
    mo(vt_connection, "about the promo")
    mo(vt_connection, "STOP", phone="+923001234569")
    mo(vt_connection, "already read", phone="+923001234570")
    conversations.mark_read(Conversation.objects.get(phone="+923001234570"), world.marketer)

    def listed(**params) -> str:
        return marketer_client.get("/conversations/", params).content.decode()

    assert "already read" not in listed(unread="1") and "about the promo" in listed(unread="1")
    opted = listed(opted_out="1")
    assert "+923001234569" in opted and "about the promo" not in opted and "badge-opt_out" in opted
    by_campaign = listed(campaign=str(campaign.pk))
    assert "about the promo" in by_campaign and "+923001234569" not in by_campaign


def test_thread_page_shows_statuses_keyword_marker_and_consent(world, vt_connection, marketer_client):
    Contact.objects.create(account=world.account, phone=PHONE, first_name="Amna")
    sent = campaign_message(world, vt_connection, "Sale today", subaccount=world.subaccount)
    Message.objects.filter(pk=sent.pk).update(status="delivered")
    mo(vt_connection, "stop")
    conversation = Conversation.objects.get()
    page = marketer_client.get(f"/conversations/{conversation.pk}/").content.decode()
    assert "Amna" in page and "Sale today" in page and "badge-delivered" in page
    assert "opt-out keyword" in page and "opted out" in page
    assert "Nothing may be sent to them" in page and "data-reply-form" not in page


def test_the_inbound_event_carries_the_conversation(world, vt_connection):
    from campaigns.models import EventDelivery, EventSubscription

    EventSubscription.objects.create(account=world.account, url="https://hooks.example.test/in", events=["message.inbound"])
    mo(vt_connection, "hello")
    delivery = EventDelivery.objects.get(kind="message.inbound")
    assert delivery.payload["conversation_id"] == Conversation.objects.get().pk


def test_ussd_answers_join_the_contact_thread(world, vt_connection):
    campaign = Campaign.objects.create(
        account=world.account, subaccount=world.subaccount, name="Menu", channel="ussd", connection=vt_connection
    )
    screen = campaign_message(world, vt_connection, "Pick 1) A 2) B", subaccount=world.subaccount, channel="ussd", campaign=campaign)
    UssdSession.objects.create(account=world.account, campaign=campaign, message=screen, phone=PHONE, session_id="s-9")
    mo(vt_connection, "1", kind="ussd", session_id="s-9")
    conversation = Conversation.objects.get()
    assert [(i.direction, i.kind) for i in conversations.thread(conversation)][-2:] == [("in", "ussd"), ("out", "ussd")]


# --- access --------------------------------------------------------------------------


def test_viewer_reads_but_cannot_reply_assign_or_close(world, vt_connection, viewer_client):
    mo(vt_connection, "hello")
    conversation = Conversation.objects.get()
    page = viewer_client.get(f"/conversations/{conversation.pk}/")
    assert page.status_code == 200 and "marketers and admins reply" in page.content.decode()
    assert viewer_client.post(f"/conversations/{conversation.pk}/reply/", {"text": "hi"}).status_code == 403
    assert viewer_client.post(f"/conversations/{conversation.pk}/assign/", {"user": "me"}).status_code == 403
    assert viewer_client.post(f"/conversations/{conversation.pk}/done/").status_code == 403
    assert not Message.objects.filter(text="hi").exists()


def test_outsider_gets_404_and_other_subaccount_is_hidden(world, vt_connection, outsider_client, marketer_client, admin_client):
    sales = Subaccount.objects.create(account=world.account, name="Sales")
    campaign_message(world, vt_connection, "for sales", subaccount=sales)
    mo(vt_connection, "to sales")
    conversation = Conversation.objects.get()
    for url in (f"/conversations/{conversation.pk}/",):
        assert outsider_client.get(url).status_code == 404
        assert marketer_client.get(url).status_code == 404
        assert admin_client.get(url).status_code == 200
    assert outsider_client.post(f"/conversations/{conversation.pk}/reply/", {"text": "x"}).status_code == 404
    assert marketer_client.post(f"/conversations/{conversation.pk}/done/").status_code == 404
    assert "to sales" not in marketer_client.get("/conversations/").content.decode()
    assert "to sales" not in outsider_client.get("/conversations/").content.decode()


def test_subaccount_user_of_another_subaccount_is_not_assignable(world, vt_connection):
    sales = Subaccount.objects.create(account=world.account, name="Sales")
    seller = make_user("seller@acme.test", world.account, "marketer", sales)
    campaign_message(world, vt_connection, "for marketing", subaccount=world.subaccount)
    mo(vt_connection, "hi")
    conversation = Conversation.objects.get()
    assert seller not in conversations.assignable_users(conversation)
    with pytest.raises(ValueError):
        conversations.assign(conversation, seller)


def test_bad_input_is_a_clear_answer(world, vt_connection, marketer_client):
    mo(vt_connection, "hi")
    conversation = Conversation.objects.get()
    assert marketer_client.get("/conversations/", {"campaign": "9" * 40, "show": "bogus", "page": "x"}).status_code == 200
    assert marketer_client.post(f"/conversations/{conversation.pk}/assign/", {"user": "9" * 40}).status_code == 302
    response = marketer_client.post(f"/conversations/{conversation.pk}/reply/", {"text": "  ", "channel": "fax\r\nX: y"}, follow=True)
    assert "Replies go by SMS or WhatsApp" in response.content.decode()
    response = marketer_client.post(f"/conversations/{conversation.pk}/reply/", {"text": "\x00", "channel": "sms"}, follow=True)
    assert "Write a reply first" in response.content.decode()


def test_the_data_migration_files_existing_replies(world, vt_connection):
    from importlib import import_module

    from django.apps import apps

    InboundMessage.objects.create(account=world.account, connection=vt_connection, from_number=PHONE, text="old one")
    InboundMessage.objects.create(account=world.account, connection=vt_connection, from_number=PHONE, text="old two", to="8333")
    Conversation.objects.all().delete()
    import_module("campaigns.migrations.0015_conversations").build_conversations(apps, None)
    conversation = Conversation.objects.get()
    assert (conversation.last_text, conversation.sender, conversation.inbound_count) == ("old two", "8333", 0)
    assert set(InboundMessage.objects.values_list("conversation", flat=True)) == {conversation.pk}


def test_an_unattributed_reply_is_shared_and_suppression_filter_matches(world, vt_connection, marketer_client):
    other = make_connection(world.account, "vt", name="second")
    mo(other, "who is this?", phone="+923009999999")
    conversation = Conversation.objects.get()
    assert conversation.subaccount is None and conversation.connection == other
    Suppression.objects.create(account=world.account, phone="+923009999999")
    assert "who is this?" in marketer_client.get("/conversations/", {"opted_out": "1"}).content.decode()


def test_retention_blanks_old_previews_with_the_texts(world, vt_connection, settings):
    from campaigns.services import retention

    settings.MESSAGE_BODY_RETENTION_DAYS = 90
    mo(vt_connection, "my address is 12 Mall Road")
    mo(vt_connection, "recent", phone="+923001234568")
    Conversation.objects.filter(phone=PHONE).update(last_message_at=timezone.now() - timedelta(days=91))
    assert retention.run()["conversation_previews"] == 1
    assert dict(Conversation.objects.values_list("phone", "last_text")) == {PHONE: "", "+923001234568": "recent"}
