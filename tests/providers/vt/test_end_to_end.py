"""Single sends through the portal's pipeline to the VT simulator, and its reports back
through the webhook intake: statuses, call outcomes and DTMF land on the messages."""

from __future__ import annotations

from django.test import Client

from campaigns.models import Message
from campaigns.services.ledger import top_up
from campaigns.services.messaging import send_single
from providers.models import WebhookEvent
from tests.conftest import make_connection


def send(world, connection, channel, to, **kw) -> Message:
    message = send_single(account=world.account, connection=connection, channel=channel, to=to, **kw)
    return Message.objects.get(pk=message.pk)


def test_sms_voice_and_whatsapp_round_trip(world, simulators):
    top_up(world.account, 100)
    connection = make_connection(world.account, "vt", credentials={"apikey": "acme-key"})
    sms = send(world, connection, "sms", "+923001234562", sender="ACME", text="Hello")
    undelivered = send(world, connection, "sms", "+923001234569", sender="ACME", text="Hello")
    otp = send(world, connection, "voice", "+923001234552", text="Your code 1234", payload={"kind": "otp"})
    call = send(world, connection, "voice", "+923001234563", payload={"kind": "call", "recording": "10001", "call_template": 5})
    busy = send(world, connection, "voice", "+923001234569", payload={"kind": "call", "recording": "10001", "call_template": 2})
    whatsapp = send(world, connection, "whatsapp", "+923001234564", text="Hi", payload={"type": "text"})
    messages = [sms, undelivered, otp, call, busy, whatsapp]
    assert all(m.status == "submitted" and m.provider_message_id for m in messages), [(m.status, m.error_message) for m in messages]

    codes = simulators.deliver(Client())
    assert codes and set(codes) == {200}
    for m in messages:
        m.refresh_from_db()
    assert [m.status for m in messages] == ["delivered", "undelivered", "delivered", "delivered", "undelivered", "delivered"]
    assert (otp.call_outcome, call.call_outcome, call.call_dtmf, busy.call_outcome) == ("answered", "answered", "3", "busy")
    assert not WebhookEvent.objects.filter(outcome__in=["malformed", "error", "unknown_message"]).exists()


def test_refused_number_is_a_recorded_failure(world, simulators):
    top_up(world.account, 100)
    connection = make_connection(world.account, "vt")
    message = send(world, connection, "sms", "+923001230000", text="Hello")
    assert message.status == "failed"
    assert simulators["vt"].stats()["submissions"] == 0
