"""Keyword replies end to end through the Wavy simulator: a Portuguese STOP opts the number out
and its auto-reply reaches the simulator; the French opt-in word opts it back in with its own
reply; case, accents and trailing spaces do not matter; a sentence is no keyword."""

from __future__ import annotations

import json

from campaigns.models import ConsentRecord, Contact, InboundMessage, Message, Suppression
from campaigns.services.keywords import DEFAULT_RULES

TO = "+5511987650012"
PT_OUT = next(reply for word, _, reply in DEFAULT_RULES if word == "PARAR")
FR_OUT = next(reply for word, _, reply in DEFAULT_RULES if word == "ARRETER")
FR_IN = next(reply for word, _, reply in DEFAULT_RULES if word == "COMMENCER")


def reply_from(demo, text: str) -> InboundMessage:
    demo.simulators["wavy"].inject_mo("e2e-wavy", TO.lstrip("+"), text)
    demo.simulators.deliver(demo.client)
    return InboundMessage.objects.filter(text=text).get()


def texts_sent_to_wavy(demo) -> list[str]:
    """The message texts the simulator received in send requests."""
    found = []
    for request in demo.transport.to("wavy"):
        if request.method == "POST" and b"destination" in request.content:
            body = json.loads(request.content)
            for item in body.get("messages", [body]):
                found.append(item.get("messageText", ""))
    return found


def test_portuguese_stop_opts_out_and_the_reply_reaches_the_simulator(demo):
    contact = Contact.objects.create(account=demo.account, phone=TO)

    inbound = reply_from(demo, "parar")
    reply_from(demo, "Sair ")

    suppression = Suppression.objects.get(account=demo.account, phone=TO)
    assert (suppression.reason, suppression.source) == ("opt_out", "inbound")
    assert inbound.is_opt_out
    records = list(ConsentRecord.objects.filter(contact=contact).order_by("id"))
    assert [(r.status, r.source, r.detail) for r in records] == [("opted_out", "keyword", "PARAR"), ("opted_out", "keyword", "SAIR")]
    assert f"#{inbound.pk}" in records[0].proof and inbound.provider_message_id in records[0].proof
    replies = Message.objects.filter(account=demo.account, to=TO, connection=demo.connections["wavy"], campaign=None)
    assert [m.text for m in replies.order_by("id")] == [PT_OUT, PT_OUT]
    assert texts_sent_to_wavy(demo) == [PT_OUT, PT_OUT]
    assert {m.sender for m in replies} == {"28128"}  # the short code the contact wrote to


def test_french_opt_out_then_opt_in_with_their_replies(demo):
    contact = Contact.objects.create(account=demo.account, phone=TO)

    reply_from(demo, "ARRÊTER")
    assert Suppression.objects.filter(account=demo.account, phone=TO).exists()
    reply_from(demo, "  Commencer! ")

    assert not Suppression.objects.filter(account=demo.account, phone=TO).exists()
    latest = ConsentRecord.objects.filter(contact=contact).first()
    assert (latest.status, latest.source, latest.detail) == ("opted_in", "keyword", "COMMENCER")
    assert texts_sent_to_wavy(demo) == [FR_OUT, FR_IN]


def test_a_sentence_with_a_keyword_is_an_ordinary_reply(demo):
    Contact.objects.create(account=demo.account, phone=TO)

    inbound = reply_from(demo, "parar de mandar isso")
    reply_from(demo, "stop sending")

    assert not inbound.is_opt_out
    assert not Suppression.objects.exists() and not ConsentRecord.objects.exists()
    assert texts_sent_to_wavy(demo) == []


def test_opt_in_word_does_not_lift_a_suppression_made_by_hand(demo):
    Suppression.objects.create(account=demo.account, phone=TO, reason="opt_out", source="manual")

    reply_from(demo, "start")

    assert Suppression.objects.filter(account=demo.account, phone=TO, source="manual").exists()
