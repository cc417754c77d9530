"""MO notifications: message_id, form (the sender), content, sms_date."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from providers.base import MalformedWebhook, WebhookRequest

FORM = "application/x-www-form-urlencoded"


def hook(body: str | bytes, content_type: str = FORM, query: dict | None = None, method: str = "POST") -> WebhookRequest:
    data = body.encode() if isinstance(body, str) else body
    return WebhookRequest(method=method, kind="", content_type=content_type, body=data, query=query or {})


def test_form_notification_with_the_documents_fields(backend):
    result = backend.parse_webhook(hook("message_id=MO-1&form=22509000001&content=STOP&sms_date=2019-06-23+12%3A17%3A00"))
    [item] = result.inbound
    assert item.kind == "sms"
    assert item.provider_message_id == "MO-1"
    assert item.from_number == "+22509000001"
    assert item.text == "STOP"
    assert item.received_at == datetime(2019, 6, 23, 12, 17, tzinfo=UTC)
    assert result.statuses == []


def test_json_notification_and_from_spelling(backend):
    body = json.dumps({"message_id": "MO-2", "from": "+22509000002", "content": "Oui merci", "sms_date": "23/06/2019 08:00:00"})
    [item] = backend.parse_webhook(hook(body, "application/json")).inbound
    assert (item.provider_message_id, item.from_number, item.text) == ("MO-2", "+22509000002", "Oui merci")
    assert item.received_at == datetime(2019, 6, 23, 8, 0, tzinfo=UTC)


def test_a_list_of_notifications(backend):
    body = json.dumps(
        [{"message_id": "a", "form": "22509000001", "content": "1"}, {"message_id": "b", "form": "22509000002", "content": "2"}]
    )
    items = backend.parse_webhook(hook(body, "application/json")).inbound
    assert [i.provider_message_id for i in items] == ["a", "b"]


def test_query_string_notification(backend):
    [item] = backend.parse_webhook(hook("", "", {"message_id": "MO-3", "form": "22509000003", "content": "hi"}, "GET")).inbound
    assert item.provider_message_id == "MO-3"


def test_unreadable_date_is_kept_raw_not_fatal(backend):
    [item] = backend.parse_webhook(hook("message_id=MO-4&form=22509000004&content=x&sms_date=yesterday")).inbound
    assert item.received_at is None and item.raw["sms_date"] == "yesterday"


@pytest.mark.parametrize(
    "body,content_type",
    [
        ("", FORM),
        ("form=22509000001&content=no+id", FORM),
        ("message_id=MO-5&content=no+sender", FORM),
        ("{not json", "application/json"),
        ('["just a string"]', "application/json"),
    ],
)
def test_malformed_notifications_raise(backend, body, content_type):
    with pytest.raises(MalformedWebhook):
        backend.parse_webhook(hook(body, content_type))


def test_simulator_mo_control_emits_the_documented_notification(backend, sim):
    sim.resolve_webhook = lambda slug, value, kind: f"http://testserver/webhooks/{slug}/tok/" if value == "client@acme.test" else None
    backend.http.post("http://sim.test/vavasms/_mo", data={"username": "client@acme.test", "from": "22509000001", "content": "STOP"})
    [outgoing] = sim.drain()
    assert outgoing.url == "http://testserver/webhooks/vavasms/tok/"
    assert outgoing.content_type == FORM
    [item] = backend.parse_webhook(hook(outgoing.body)).inbound
    assert (item.from_number, item.text) == ("+22509000001", "STOP")
    assert item.provider_message_id.startswith("MO-")
