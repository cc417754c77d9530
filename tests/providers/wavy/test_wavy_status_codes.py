"""Every documented sentStatusCode and deliveredStatusCode maps to a status and an error."""

from __future__ import annotations

import pytest

from providers.base import ErrorClass, ErrorCode, MessageStatus
from providers.wavy import codes
from providers.wavy.parsing import status_from_record

# The document's "Sent Status Codes" tables, copied as printed.
DOCUMENTED_SENT = {
    2: "SENT_SUCCESS",
    101: "EXPIRED",
    102: "CARRIER_COMMUNICATION_ERROR",
    103: "REJECTED_BY_CARRIER",
    201: "NO_CREDIT",
    202: "INVALID_DESTINATION_NUMBER",
    203: "BLACKLISTED",
    204: "DESTINATION_BLOCKED_BY_OPTOUT",
    205: "DESTINATION_MESSAGE_LIMIT_REACHED",
    207: "INVALID_MESSAGE_TEXT",
    301: "INTERNAL_ERROR",
}
DOCUMENTED_DELIVERED = {4: "DELIVERED_SUCCESS", 104: "NOT_DELIVERED"}

EXPECTED_SENT = {
    2: (MessageStatus.SENT, None, None),
    101: (MessageStatus.EXPIRED, ErrorCode.EXPIRED, ErrorClass.PERMANENT),
    102: (MessageStatus.REJECTED, ErrorCode.PROVIDER_ERROR, ErrorClass.RETRYABLE),
    103: (MessageStatus.REJECTED, ErrorCode.REJECTED, ErrorClass.PERMANENT),
    201: (MessageStatus.REJECTED, ErrorCode.INSUFFICIENT_BALANCE, ErrorClass.ACCOUNT),
    202: (MessageStatus.REJECTED, ErrorCode.INVALID_NUMBER, ErrorClass.PERMANENT),
    203: (MessageStatus.REJECTED, ErrorCode.BLOCKED, ErrorClass.PERMANENT),
    204: (MessageStatus.REJECTED, ErrorCode.BLOCKED, ErrorClass.PERMANENT),
    205: (MessageStatus.REJECTED, ErrorCode.NOT_ALLOWED, ErrorClass.RETRYABLE),
    207: (MessageStatus.REJECTED, ErrorCode.CONTENT_INVALID, ErrorClass.PERMANENT),
    301: (MessageStatus.REJECTED, ErrorCode.PROVIDER_ERROR, ErrorClass.RETRYABLE),
}


def test_every_documented_code_is_in_the_maps_with_its_word():
    assert {code: m.word for code, m in codes.SENT_STATUS.items()} == DOCUMENTED_SENT
    assert {code: m.word for code, m in codes.DELIVERED_STATUS.items()} == DOCUMENTED_DELIVERED


@pytest.mark.parametrize("code", sorted(DOCUMENTED_SENT))
def test_sent_status_code_maps_by_meaning(code):
    update = status_from_record({"id": "u", "correlationId": "9", "sentStatusCode": code, "sentStatus": DOCUMENTED_SENT[code]})

    status, error_code, error_class = EXPECTED_SENT[code]
    assert update.status == status
    assert update.message_id == 9
    assert update.raw_status == f"{code} {DOCUMENTED_SENT[code]}"
    if error_code is None:
        assert update.error is None
    else:
        assert (update.error.code, update.error.error_class, update.error.raw_code) == (error_code, error_class, str(code))


@pytest.mark.parametrize("word", sorted(DOCUMENTED_SENT.values()))
def test_the_status_word_alone_is_understood(word):
    update = status_from_record({"id": "u", "sentStatus": word})

    assert update.error is None or update.error.code != ErrorCode.UNKNOWN


def test_delivered_codes():
    delivered = status_from_record({"id": "u", "sentStatusCode": 2, "deliveredStatusCode": 4, "deliveredStatus": "DELIVERED_SUCCESS"})
    undelivered = status_from_record({"id": "u", "sentStatusCode": 2, "deliveredStatusCode": 104, "deliveredStatus": "NOT_DELIVERED"})

    assert delivered.status == MessageStatus.DELIVERED and delivered.error is None
    assert undelivered.status == MessageStatus.UNDELIVERED
    assert (undelivered.error.code, undelivered.error.error_class) == (ErrorCode.NOT_DELIVERED, ErrorClass.PERMANENT)


def test_codes_as_strings_are_read_too():
    assert status_from_record({"id": "u", "sentStatusCode": "202"}).error.code == ErrorCode.INVALID_NUMBER


def test_an_undocumented_code_is_kept_raw_and_never_crashes():
    sent = status_from_record({"id": "u", "sentStatusCode": 999, "sentStatus": "NEW_THING"})
    delivered = status_from_record({"id": "u", "sentStatusCode": 2, "deliveredStatusCode": 555})

    assert (sent.status, sent.error.code, sent.error.raw_code) == (MessageStatus.REJECTED, ErrorCode.UNKNOWN, "999")
    assert (delivered.status, delivered.error.code) == (MessageStatus.UNDELIVERED, ErrorCode.UNKNOWN)
