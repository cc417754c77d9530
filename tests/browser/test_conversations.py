"""Real browser: walk a conversation as a marketer (the list, a thread, a reply that reaches
the simulator and shows in the thread, mark done), at desktop and phone width."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from campaigns.models import Campaign, Contact, Conversation, InboundMessage, Message, Price
from campaigns.services.conversations import assign, mark_read, set_done
from campaigns.services.inbound import apply_inbound
from campaigns.services.ledger import top_up
from providers.base import InboundItem
from tests.browser.conftest import log_in, shot, wait_js
from tests.conftest import make_connection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AMNA = "+923001234561"


def write_in(connection, phone: str, text: str, minutes_ago: int) -> None:
    apply_inbound(connection, [InboundItem(kind="sms", from_number=phone, text=text, to="8333")])
    moment = timezone.now() - timedelta(minutes=minutes_ago)
    InboundMessage.objects.filter(from_number=phone, text=text).update(received_at=moment)
    Conversation.objects.filter(phone=phone).update(last_message_at=moment, last_inbound_at=moment)


def an_inbox(world) -> Conversation:
    vt = make_connection(world.account, "vt", base_url="http://sim.test/vt", credentials={"apikey": "browser-vt"}, mps=0)
    Price.objects.create(account=world.account, channel="sms", prefix="", unit=Price.Unit.SEGMENT, amount=Decimal("0.01"))
    top_up(world.account, Decimal("20"))
    Contact.objects.create(account=world.account, phone=AMNA, first_name="Amna", last_name="Khan")
    Contact.objects.create(account=world.account, phone="+923001234562", first_name="Bilal", last_name="Ahmed")
    campaign = Campaign.objects.create(account=world.account, subaccount=world.subaccount, name="Winter sale", connection=vt)
    sent = Message.objects.create(
        account=world.account,
        subaccount=world.subaccount,
        campaign=campaign,
        connection=vt,
        to=AMNA,
        text="Winter sale: 30% off all jackets until Sunday. Reply STOP to opt out.",
        status="delivered",
    )
    Message.objects.filter(pk=sent.pk).update(created_at=timezone.now() - timedelta(hours=3))
    write_in(vt, AMNA, "Do you have the blue one in size M?", 40)
    write_in(vt, AMNA, "And can I pick it up in Lahore?", 35)
    write_in(vt, "+923001234562", "Thanks, got it!", 120)
    write_in(vt, "+923001234563", "stop", 300)
    write_in(vt, "+923001234564", "What time do you open?", 600)
    assign(Conversation.objects.get(phone="+923001234562"), world.marketer)
    set_done(Conversation.objects.get(phone="+923001234564"), True)
    return Conversation.objects.get(phone=AMNA)


@pytest.mark.parametrize("width,name", [(1280, "desktop"), (390, "phone")])
def test_walk_a_conversation(world, live_server, browser, simulators, width, name):
    conversation = an_inbox(world)
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    log_in(page, live_server, "marketer@acme.test")

    if width < 800:
        page.get_by_role("button", name="Menu").click()
    # Three open conversations have unread messages (the one marked done is not counted).
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Conversations 3 unread").click()
    page.wait_for_url("**/conversations/")
    assert page.locator(".convo-row").count() == 3  # the one marked done is not among the open ones
    assert page.locator(".convo-row.unread").first.get_by_text("And can I pick it up in Lahore?").is_visible()
    shot(page, f"conversations_list_{name}")

    page.get_by_role("link", name="Amna Khan").first.click()
    page.wait_for_url(f"**/conversations/{conversation.pk}/")
    lines = page.locator(".thread .bubble")
    assert lines.nth(0).inner_text() == "And can I pick it up in Lahore?"  # newest first
    assert "Winter sale" in lines.nth(2).inner_text()
    shot(page, f"conversations_thread_{name}")

    page.get_by_label("Your reply").fill("Yes, size M is in stock. Pickup in Lahore works from tomorrow 11:00.")
    wait_js(page, "document.querySelector('#reply-counter').textContent.includes('1 segment')")
    assert "pickup in lahore" in page.locator("[data-reply-preview]").inner_text().lower()
    shot(page, f"conversations_reply_{name}")
    page.get_by_role("button", name="Send reply").click()
    page.get_by_text("Reply sent.").wait_for()
    assert page.locator(".thread .bubble").nth(0).inner_text().startswith("Yes, size M is in stock.")
    reply = Message.objects.get(text__startswith="Yes, size M")
    assert (reply.to, reply.sender, reply.status) == (AMNA, "8333", "submitted")  # the VT simulator took it
    shot(page, f"conversations_replied_{name}")

    page.get_by_role("button", name="Mark done").click()
    page.wait_for_url("**/conversations/")
    assert page.get_by_text("Marked done.").is_visible()
    assert page.locator(".convo-row").count() == 2
    page.get_by_role("link", name="Done", exact=True).click()
    page.get_by_text("Amna Khan").first.wait_for()
    shot(page, f"conversations_done_{name}")
    context.close()


@pytest.mark.parametrize("width,name", [(1280, "desktop"), (390, "phone")])
def test_whatsapp_outside_the_window_asks_for_a_template(world, live_server, browser, width, name):
    from campaigns.models import Template

    conversation = an_inbox(world)
    Conversation.objects.filter(pk=conversation.pk).update(last_inbound_at=timezone.now() - timedelta(days=2))
    Template.objects.create(
        account=world.account,
        kind=Template.Kind.WHATSAPP,
        name="Order update",
        body="Hi {{1}}, your order is ready for pickup.",
        variables=["name"],
        provider_template_id="42",
    )
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    log_in(page, live_server, "marketer@acme.test")
    page.goto(f"{live_server.url}/conversations/{conversation.pk}/")

    page.get_by_role("radio", name="WhatsApp").check()
    assert page.get_by_text("outside WhatsApp's customer-care window only a template may be sent").is_visible()
    assert not page.get_by_label("Your reply").is_visible()  # no free text outside the window
    page.get_by_label("WhatsApp template").select_option(label="Order update")
    page.get_by_label("Variable 1").fill("Amna")
    wait_js(page, "document.querySelector('[data-reply-preview]').textContent === 'Hi Amna, your order is ready for pickup.'")
    shot(page, f"conversations_whatsapp_template_{name}")
    context.close()


@pytest.mark.parametrize("width,name", [(1280, "desktop"), (390, "phone")])
def test_a_thread_one_marketer_read_stays_unread_for_a_colleague(world, live_server, browser, width, name):
    conversation = an_inbox(world)
    mark_read(conversation, world.marketer)  # the marketer opened Amna's thread
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    log_in(page, live_server, "admin@acme.test")
    page.goto(f"{live_server.url}/conversations/")
    amna = page.locator(".convo-row", has_text="Amna Khan")
    assert "unread" in (amna.get_attribute("class") or "")
    assert amna.get_by_label("2 unread").is_visible()
    shot(page, f"conversations_unread_for_colleague_{name}")
    context.close()
