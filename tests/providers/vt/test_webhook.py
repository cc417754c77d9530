"""VT's one webhook (SMS, VOICE, WHATSAPP) parsed into status updates."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import urlencode

import httpx
import pytest

from providers.base import ErrorClass, ErrorCode, MalformedWebhook, MessageStatus
from providers.vt.statuses import CALL_STATUSES, DELIVERY_STATUSES
from providers.vt.webhook import parse_time
from tests.providers.vt import document
from tests.providers.vt.conftest import make_backend, webhook_request

S = MessageStatus
SMS_EVENT = {
    "ACCOUNT_ID": 7463,
    "BILLING_ID": 1079483,
    "RECEIPENT": "+923001234567",
    "SENDER_ID": "8333",
    "MESSAGE_ID": "4e7a45354e7a6735",
    "MEDIUM": "SMS",
    "TIME": "281123041233",
    "DELIVERY_STATUS": "DELIVRD",
}
CALL_EVENT = {**SMS_EVENT, "MEDIUM": "VOICE", "MESSAGE_ID": "83922", "CALL_ID": 83922, "CALL_STATUS": "ANSWERED"}
del CALL_EVENT["DELIVERY_STATUS"]


@pytest.fixture
def backend():
    return make_backend(httpx.MockTransport(lambda r: httpx.Response(500)))


def parse(backend, body, **kw):
    if isinstance(body, dict | list):
        body = json.dumps(body)
    return backend.parse_webhook(webhook_request(body, **kw)).statuses


def sample_text(seed_doc: str) -> str:
    return document.webhook_sample(seed_doc) if seed_doc else document.WEBHOOK_SAMPLE


def test_documents_sample_as_printed(backend, seed_doc):
    (update,) = parse(backend, sample_text(seed_doc))
    assert update.status == S.DELIVERED
    assert update.provider_message_id == "4e7a45354e7a6735"
    assert update.raw_status == "DELIVRD"
    assert update.occurred_at == datetime(2023, 11, 28, 4, 12, 33, tzinfo=UTC)
    assert update.to == "+923001234567"
    assert update.error is None
    # MEDIUM is SMS: the sample's CALL_* fields do not describe this message.
    assert update.call_outcome == "" and update.dtmf == ""


def test_documents_sample_voice_fields(backend, seed_doc):
    body = sample_text(seed_doc).replace('"MEDIUM": "SMS"', '"MEDIUM": "VOICE"')
    updates = parse(backend, body)
    assert [u.provider_message_id for u in updates] == ["38473", "4e7a45354e7a6735"]  # CALL_ID first
    for update in updates:
        assert (update.status, update.call_outcome, update.raw_status) == (S.DELIVERED, "answered", "ANSWERED")


def test_call_event_with_equal_ids_gives_one_update(backend):
    (update,) = parse(backend, CALL_EVENT)
    assert update.provider_message_id == "83922"
    assert update.call_outcome == "answered"


def test_key_pressed_carries_the_dtmf(backend):
    (update,) = parse(backend, {**CALL_EVENT, "CALL_STATUS": "KEY_PRESSED", "CALL_DTMF": "3"})
    assert (update.status, update.dtmf, update.raw_status) == (S.DELIVERED, "3", "KEY_PRESSED")


def test_call_duration_when_present(backend):
    (update,) = parse(backend, {**CALL_EVENT, "CALL_STATUS": "ENDED", "CALL_DURATION": "34"})
    assert update.duration_seconds == 34


EXPECTED_DELIVERY = {
    "ENROUTE": (S.SENT, None),
    "ACCEPTD": (S.SENT, None),
    "DELIVRD": (S.DELIVERED, None),
    "EXPIRED": (S.EXPIRED, ErrorCode.EXPIRED),
    "DELETED": (S.UNDELIVERED, ErrorCode.NOT_DELIVERED),
    "UNDELIV": (S.UNDELIVERED, ErrorCode.NOT_DELIVERED),
    "UNKNOWN": (S.SUBMITTED, None),
    "REJECTD": (S.REJECTED, ErrorCode.REJECTED),
}
EXPECTED_CALL = {
    "RINGING": (S.SENT, "ringing", None),
    "ANSWERED": (S.DELIVERED, "answered", None),
    "KEY_PRESSED": (S.DELIVERED, "answered", None),
    "ENDED": (S.DELIVERED, "answered", None),
    "BUSY": (S.UNDELIVERED, "busy", ErrorCode.NO_ANSWER),
    "REJECTED": (S.UNDELIVERED, "rejected", ErrorCode.NO_ANSWER),
    "UNANSWERED": (S.UNDELIVERED, "unanswered", ErrorCode.NO_ANSWER),
    "DISCONNECTED": (S.UNDELIVERED, "disconnected", ErrorCode.NOT_DELIVERED),
    "FAILED": (S.UNDELIVERED, "failed", ErrorCode.NOT_DELIVERED),
}


@pytest.mark.parametrize("word", sorted(EXPECTED_DELIVERY))
@pytest.mark.parametrize("medium", ["SMS", "WHATSAPP"])
def test_each_delivery_status(backend, word, medium):
    (update,) = parse(backend, {**SMS_EVENT, "MEDIUM": medium, "DELIVERY_STATUS": word})
    status, code = EXPECTED_DELIVERY[word]
    assert update.status == status
    assert (update.error.code if update.error else None) == code
    if update.error:
        assert (update.error.error_class, update.error.raw_code) == (ErrorClass.PERMANENT, word)


@pytest.mark.parametrize("word", sorted(EXPECTED_CALL))
def test_each_call_status(backend, word):
    (update,) = parse(backend, {**CALL_EVENT, "CALL_STATUS": word})
    status, outcome, code = EXPECTED_CALL[word]
    assert (update.status, update.call_outcome, update.raw_status) == (status, outcome, word)
    assert (update.error.code if update.error else None) == code


def test_every_documented_delivery_word_is_mapped(seed_doc):
    words = document.delivery_words(seed_doc) if seed_doc else document.DELIVERY_WORDS
    assert words == document.DELIVERY_WORDS
    assert set(words) == set(DELIVERY_STATUSES) == set(EXPECTED_DELIVERY)


def test_every_documented_call_word_is_mapped(seed_doc):
    words = document.call_words(seed_doc) if seed_doc else document.CALL_WORDS
    assert words == document.CALL_WORDS
    assert set(words) == set(CALL_STATUSES) == set(EXPECTED_CALL)


@pytest.mark.parametrize(
    "word, status, outcome, code",
    [
        ("DELIVRD", S.DELIVERED, "answered", None),
        ("UNDELIV", S.UNDELIVERED, "unanswered", ErrorCode.NO_ANSWER),
        ("EXPIRED", S.EXPIRED, "", ErrorCode.EXPIRED),
    ],
)
def test_voice_otp_report_without_call_status_uses_delivery_status(backend, word, status, outcome, code):
    # Only an answered voice OTP is billed, so the outcome must say "answered".
    (update,) = parse(backend, {**SMS_EVENT, "MEDIUM": "VOICE", "DELIVERY_STATUS": word})
    assert (update.status, update.call_outcome) == (status, outcome)
    assert (update.error.code if update.error else None) == code
    assert update.provider_message_id == SMS_EVENT["MESSAGE_ID"]


def test_form_encoded_body(backend):
    (update,) = parse(backend, urlencode(SMS_EVENT), content_type="application/x-www-form-urlencoded")
    assert (update.status, update.provider_message_id) == (S.DELIVERED, "4e7a45354e7a6735")


def test_get_with_query_fields(backend):
    query = {k: str(v) for k, v in CALL_EVENT.items()}
    (update,) = parse(backend, b"", content_type="", method="GET", query=query)
    assert (update.status, update.provider_message_id) == (S.DELIVERED, "83922")


def test_lower_case_keys_and_words(backend):
    (update,) = parse(backend, {k.lower(): v for k, v in {**SMS_EVENT, "DELIVERY_STATUS": "undeliv"}.items()})
    assert update.status == S.UNDELIVERED


def test_a_list_of_events(backend):
    updates = parse(backend, [SMS_EVENT, {**SMS_EVENT, "MESSAGE_ID": "b2", "DELIVERY_STATUS": "EXPIRED"}])
    assert [(u.provider_message_id, u.status) for u in updates] == [("4e7a45354e7a6735", S.DELIVERED), ("b2", S.EXPIRED)]


def test_message_ref_finds_our_message_without_provider_id(backend):
    event = {k: v for k, v in SMS_EVENT.items() if k != "MESSAGE_ID"}
    (update,) = parse(backend, {**event, "MEDIUM": "WHATSAPP", "MESSAGE_REF": "55"})
    assert (update.message_id, update.provider_message_id) == (55, "")


@pytest.mark.parametrize(
    "value, expected",
    [
        ("281123041233", datetime(2023, 11, 28, 4, 12, 33, tzinfo=UTC)),
        ("010124000000", datetime(2024, 1, 1, 0, 0, 0, tzinfo=UTC)),
        ("311299235959", datetime(2099, 12, 31, 23, 59, 59, tzinfo=UTC)),
        ("320124000000", None),  # day 32
        ("281323041233", None),  # month 13
        ("2811230412", None),  # too short
        ("28112304123x", None),
        ("", None),
    ],
)
def test_time_is_ddmmyyhhmmss(value, expected):
    assert parse_time(value) == expected


def test_bad_time_does_not_reject_the_report(backend):
    (update,) = parse(backend, {**SMS_EVENT, "TIME": "yesterday"})
    assert update.occurred_at is None and update.status == S.DELIVERED


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"{not json",
        b"[1, 2]",
        b"[]",
        b"garbage",
        b"=x",
        json.dumps({k: v for k, v in SMS_EVENT.items() if k != "MESSAGE_ID"}).encode(),
        json.dumps({**{k: v for k, v in SMS_EVENT.items() if k != "MESSAGE_ID"}, "MESSAGE_REF": "9" * 30}).encode(),
        json.dumps({k: v for k, v in SMS_EVENT.items() if k != "DELIVERY_STATUS"}).encode(),
        json.dumps({**SMS_EVENT, "DELIVERY_STATUS": "TELEPORTED"}).encode(),
        json.dumps({**CALL_EVENT, "CALL_STATUS": "HUMMING"}).encode(),
    ],
)
def test_malformed_bodies_raise(backend, body):
    with pytest.raises(MalformedWebhook):
        backend.parse_webhook(webhook_request(body))


def test_default_acks(backend):
    request = webhook_request(json.dumps(SMS_EVENT))
    assert backend.webhook_ack(request, backend.parse_webhook(request)).status == 200
    assert backend.webhook_ack(request, None).status == 400
