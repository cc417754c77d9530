"""A reply from a conversation's thread reaches the simulator: by SMS through the connection and
short code the contact wrote to, by WhatsApp free text inside the customer-care window, and
only as a template outside it. An opted-out contact gets nothing."""

from __future__ import annotations

import json
from datetime import timedelta

from django.utils import timezone

from campaigns.models import Contact, Conversation, InboundMessage, Message, Template
from tests.conftest import login

TO = "+5511987650012"


def write_in(demo, text: str) -> Conversation:
    demo.simulators["wavy"].inject_mo("e2e-wavy", TO.lstrip("+"), text)
    demo.simulators.deliver(demo.client)
    return InboundMessage.objects.filter(text=text).get().conversation


def wavy_texts(demo) -> list[str]:
    found = []
    for request in demo.transport.to("wavy"):
        if request.method == "POST" and b"destination" in request.content:
            body = json.loads(request.content)
            found += [item.get("messageText", "") for item in body.get("messages", [body])]
    return found


def whatsapp_bodies(demo) -> list[dict]:
    return [json.loads(r.content) for r in demo.transport.to("vt") if r.url.path.endswith("/wa/v1/send_message")]


def test_sms_reply_from_the_thread_reaches_the_simulator_and_shows_delivered(demo):
    Contact.objects.create(account=demo.account, phone=TO, first_name="Bia")
    conversation = write_in(demo, "Do you deliver to Santos?")
    client = login(demo.world.marketer)

    response = client.post(f"/conversations/{conversation.pk}/reply/", {"channel": "sms", "text": "Yes, next day.", "key": "k1"})
    assert response.status_code == 302
    client.post(f"/conversations/{conversation.pk}/reply/", {"channel": "sms", "text": "Yes, next day.", "key": "k1"})  # double submit

    reply = Message.objects.get(text="Yes, next day.")
    assert (reply.connection, reply.sender, reply.to, reply.campaign) == (demo.connections["wavy"], "28128", TO, None)
    assert wavy_texts(demo) == ["Yes, next day."]
    demo.simulators.deliver(demo.client)
    page = client.get(f"/conversations/{conversation.pk}/").content.decode()
    assert page.index("Yes, next day.") < page.index("Do you deliver to Santos?")  # newest first
    reply.refresh_from_db()
    assert reply.status in ("sent", "delivered") and f"badge-{reply.status}" in page
    conversation.refresh_from_db()
    assert (conversation.last_text, conversation.last_direction) == ("Yes, next day.", "out")


def test_whatsapp_free_text_inside_the_window_and_template_outside(demo):
    conversation = write_in(demo, "Can you send the menu on WhatsApp?")
    client = login(demo.world.marketer)

    client.post(f"/conversations/{conversation.pk}/reply/", {"channel": "whatsapp", "text": "Here it is", "key": "w1"})
    assert [(b["type"], b["text"]["body"]) for b in whatsapp_bodies(demo)] == [("text", "Here it is")]

    Conversation.objects.filter(pk=conversation.pk).update(last_inbound_at=timezone.now() - timedelta(hours=25))
    page = client.get(f"/conversations/{conversation.pk}/?channel=whatsapp").content.decode()
    assert "more than 24 hours ago" in page and "only a template" in page
    response = client.post(
        f"/conversations/{conversation.pk}/reply/", {"channel": "whatsapp", "text": "Still there?", "key": "w2"}, follow=True
    )
    assert "customer-care window" in response.content.decode() and "Choose a template" in response.content.decode()
    assert not Message.objects.filter(text="Still there?").exists()

    template = Template.objects.create(
        account=demo.account, kind=Template.Kind.WHATSAPP, name="Follow up", connection=demo.connections["vt"], provider_template_id="42"
    )
    client.post(
        f"/conversations/{conversation.pk}/reply/", {"channel": "whatsapp", "template": template.pk, "variables": ["Bia"], "key": "w3"}
    )
    assert [(b["type"], b.get("template_id"), b.get("templateVariables")) for b in whatsapp_bodies(demo)][-1] == ("template", 42, ["Bia"])


def test_an_opted_out_contact_gets_no_reply(demo):
    conversation = write_in(demo, "PARAR")
    sent_before = len(wavy_texts(demo))  # the keyword's own auto-reply
    client = login(demo.world.marketer)
    page = client.get(f"/conversations/{conversation.pk}/").content.decode()
    assert "opted out" in page and "data-reply-form" not in page
    response = client.post(
        f"/conversations/{conversation.pk}/reply/", {"channel": "sms", "text": "Special offer!", "key": "o1"}, follow=True
    )
    assert "opted out" in response.content.decode()
    assert len(wavy_texts(demo)) == sent_before and not Message.objects.filter(text="Special offer!").exists()
