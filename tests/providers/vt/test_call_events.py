"""VT call events through the webhook intake: outcomes move forward only, and a key press
is applied (its DTMF stored), never labelled a duplicate."""

from __future__ import annotations

import json

from django.test import Client

from campaigns.services.ledger import top_up
from campaigns.services.messaging import send_single
from providers.models import WebhookEvent
from tests.conftest import make_connection


def placed_call(world, simulators, to="+923001234563", template=5):
    top_up(world.account, 100)
    connection = make_connection(world.account, "vt", credentials={"apikey": "acme-key"})
    message = send_single(
        account=world.account,
        connection=connection,
        channel="voice",
        to=to,
        payload={"kind": "call", "recording": "10001", "call_template": template},
    )
    message.refresh_from_db()
    return connection, message


def post_event(connection, message, **fields):
    body = {"MEDIUM": "VOICE", "CALL_ID": message.provider_message_id, "RECEIPENT": message.to, **fields}
    response = Client().post(connection.webhook_url().split("testserver", 1)[-1], data=json.dumps(body), content_type="application/json")
    assert response.status_code == 200
    return WebhookEvent.objects.latest("pk")


def test_key_press_is_applied_with_its_digit(world, simulators):
    _, call = placed_call(world, simulators)

    simulators.deliver(Client())

    call.refresh_from_db()
    assert (call.status, call.call_outcome, call.call_dtmf) == ("delivered", "answered", "3")
    (pressed,) = [e for e in WebhookEvent.objects.all() if b"KEY_PRESSED" in e.raw_body]  # bodies are bytes
    assert pressed.outcome == "applied"


def test_a_late_ringing_does_not_undo_answered(world, simulators):
    connection, call = placed_call(world, simulators)
    simulators.deliver(Client())

    late = post_event(connection, call, CALL_STATUS="RINGING")

    call.refresh_from_db()
    assert (call.status, call.call_outcome) == ("delivered", "answered")
    assert WebhookEvent.objects.get(pk=late.pk).outcome == "duplicate"


def test_ringing_then_answered_moves_the_outcome_forward(world, simulators):
    connection, call = placed_call(world, simulators, template=2)
    simulators["vt"].drain()  # only the events posted below

    post_event(connection, call, CALL_STATUS="RINGING")
    call.refresh_from_db()
    assert call.call_outcome == "ringing"
    post_event(connection, call, CALL_STATUS="ANSWERED", CALL_DURATION="40")

    call.refresh_from_db()
    assert (call.status, call.call_outcome, call.call_duration) == ("delivered", "answered", 40)
