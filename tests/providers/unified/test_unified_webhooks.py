"""Delivery reports in the format providers.unified.dlr documents (GET, form POST, JSON POST)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest

from providers.base import ErrorCode, MalformedWebhook, MessageStatus, WebhookRequest
from providers.unified import dlr
from providers.unified.backend import UnifiedBackend

FORM = "application/x-www-form-urlencoded"


def get(**query) -> WebhookRequest:
    return WebhookRequest(method="GET", kind="", content_type="", body=b"", query={k: str(v) for k, v in query.items()})


def post(body: str, content_type: str = FORM, **query) -> WebhookRequest:
    return WebhookRequest(method="POST", kind="", content_type=content_type, body=body.encode(), query=query)


def test_get_with_query_parameters(backend):
    [update] = backend.parse_webhook(get(messageid="m-1", status="DELIVRD", destination="2348012345671", err="000")).statuses
    assert (update.provider_message_id, update.status, update.raw_status) == ("m-1", MessageStatus.DELIVERED, "DELIVRD")
    assert update.to == "2348012345671" and update.error is None


def test_post_form(backend):
    body = urlencode({"message_id": "m-2", "stat": "UNDELIV", "err": "001", "done_date": "2026-11-22 04:10:00"})
    [update] = backend.parse_webhook(post(body)).statuses
    assert update.status == MessageStatus.UNDELIVERED
    assert (update.error.code, update.error.raw_code) == (ErrorCode.NOT_DELIVERED, "001")
    assert update.occurred_at == datetime(2026, 11, 22, 4, 10, tzinfo=UTC)


def test_post_json_object_and_list(backend):
    one = backend.parse_webhook(post(json.dumps({"msgid": "m-3", "dlr_status": "expired"}), "application/json")).statuses
    many = backend.parse_webhook(
        post(json.dumps([{"id": "a", "status": "DELIVERED"}, {"id": "b", "status": "REJECTD"}]), "application/json")
    ).statuses
    assert one[0].status == MessageStatus.EXPIRED and one[0].error.code == ErrorCode.EXPIRED
    assert [(u.provider_message_id, u.status) for u in many] == [("a", MessageStatus.DELIVERED), ("b", MessageStatus.REJECTED)]


def test_field_names_are_case_insensitive_and_smpp_style_names_work(backend):
    [update] = backend.parse_webhook(get(sMessageId="m-4", sStatus="delivrd", sMobileNo="2348012345671", dtDone="2611220410")).statuses
    assert update.provider_message_id == "m-4" and update.status == MessageStatus.DELIVERED
    assert update.occurred_at == datetime(2026, 11, 22, 4, 10, tzinfo=UTC)


def test_form_post_merges_the_query(backend):
    [update] = backend.parse_webhook(post("status=ENROUTE", messageid="m-5")).statuses
    assert (update.provider_message_id, update.status) == ("m-5", MessageStatus.SENT)


@pytest.mark.parametrize(
    "word,status",
    [
        ("DELIVRD", MessageStatus.DELIVERED),
        ("DELIVERED", MessageStatus.DELIVERED),
        ("UNDELIV", MessageStatus.UNDELIVERED),
        ("UNDELIVERED", MessageStatus.UNDELIVERED),
        ("FAILED", MessageStatus.UNDELIVERED),
        ("DELETED", MessageStatus.UNDELIVERED),
        ("EXPIRED", MessageStatus.EXPIRED),
        ("REJECTD", MessageStatus.REJECTED),
        ("REJECTED", MessageStatus.REJECTED),
        ("ACCEPTD", MessageStatus.SENT),
        ("ACKED", MessageStatus.SENT),
        ("ENROUTE", MessageStatus.SENT),
    ],
)
def test_status_words(backend, word, status):
    [update] = backend.parse_webhook(get(messageid="m", status=word)).statuses
    assert update.status == status


def test_an_unknown_word_is_accepted_but_changes_nothing(backend):
    result = backend.parse_webhook(get(messageid="m-6", status="UNKNOWN"))
    assert result.statuses == [] and result.inbound == []


@pytest.mark.parametrize(
    "request_",
    [
        get(),
        get(messageid="m-7"),
        get(status="DELIVRD"),
        post("{broken", "application/json"),
        post('["text"]', "application/json"),
        post("messageid=&status=DELIVRD"),
    ],
)
def test_malformed_reports_raise(backend, request_):
    with pytest.raises(MalformedWebhook):
        backend.parse_webhook(request_)


def test_the_accepted_format_is_documented_in_the_module():
    for name in (
        "messageid",
        "message_id",
        "msgid",
        "status",
        "stat",
        "dlr_status",
        "DELIVRD",
        "UNDELIV",
        "REJECTD",
        "GET",
        "POST",
        "JSON",
    ):
        assert name in dlr.__doc__


def test_webhook_ack_is_200_ok(backend):
    ack = backend.webhook_ack(get(messageid="m", status="DELIVRD"), backend.parse_webhook(get(messageid="m", status="DELIVRD")))
    assert (ack.status, ack.body) == (200, "OK")


def test_no_status_query_capability():
    from providers.base import Capability

    assert not UnifiedBackend.supports(Capability.STATUS_QUERY)
    assert UnifiedBackend.supports(Capability.SCHEDULE) and UnifiedBackend.supports(Capability.SMS_FLASH)
