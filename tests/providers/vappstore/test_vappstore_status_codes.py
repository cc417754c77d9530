"""Every status word and code V-Appstore can answer maps to our statuses and error classes.

The document's own words are read from the document itself, so a word added there
without a mapping fails here. The platform's error list (hSenid SDP, E13xx-E18xx) is
kept below: each code must be classed in providers/vappstore/codes.py."""

from __future__ import annotations

import re

import pytest

from providers.base import ErrorClass, ErrorCode, MessageStatus
from providers.vappstore.codes import (
    DELIVERY_STATUSES,
    DOCUMENTED_OK_CODES,
    PLATFORM_ERRORS,
    SUBSCRIPTION_EVENTS,
    delivery_status,
    error_for,
    is_success,
    subscription_event_kind,
)

PLATFORM_CODES = [
    "E1301",
    "E1302",
    "E1303",
    "E1304",
    "E1305",
    "E1306",
    "E1307",
    "E1308",
    "E1309",
    "E1310",
    "E1311",
    "E1312",
    "E1313",
    "E1315",
    "E1316",
    "E1317",
    "E1318",
    "E1319",
    "E1322",
    "E1323",
    "E1324",
    "E1325",
    "E1326",
    "E1327",
    "E1328",
    "E1329",
    "E1330",
    "E1331",
    "E1332",
    "E1333",
    "E1334",
    "E1335",
    "E1336",
    "E1337",
    "E1340",
    "E1341",
    "E1342",
    "E1343",
    "E1344",
    "E1351",
    "E1356",
    "E1357",
    "E1360",
    "E1361",
    "E1362",
    "E1363",
    "E1364",
    "E1365",
    "E1366",
    "E1367",
    "E1368",
    "E1370",
    "E1371",
    "E1372",
    "E1373",
    "E1374",
    "E1375",
    "E1376",
    "E1377",
    "E1378",
    "E1379",
    "E1380",
    "E1381",
    "E1382",
    "E1383",
    "E1384",
    "E1387",
    "E1400",
    "E1401",
    "E1402",
    "E1404",
    "E1405",
    "E1406",
    "E1600",
    "E1601",
    "E1602",
    "E1603",
    "E1605",
    "E1606",
    "E1825",
    "E1830",
]


def documented_status_codes(text: str) -> set[str]:
    return set(re.findall(r'"statusCode":\s*"([A-Z]\d{4})"', text))


def documented_delivery_words(text: str) -> set[str]:
    enum_line = re.search(r'Enum: ("DELIVERED"[^\n]*)', text)
    assert enum_line, "the deliveryStatus Enum line is no longer in the document"
    return set(re.findall(r'"([A-Z]+)"', enum_line.group(1)))


def documented_subscription_words(text: str) -> set[str]:
    return {w.rstrip(".") for w in re.findall(r'"(?:status|subscriptionStatus)":\s*"([A-Z ]+\.?)"', text)}


def test_every_documented_status_code_is_understood(seed_text):
    codes = documented_status_codes(seed_text)
    assert codes == {"S1000", "P1003"}
    for code in codes:
        assert code in DOCUMENTED_OK_CODES
        assert is_success(code)


def test_every_documented_delivery_status_is_mapped(seed_text):
    words = documented_delivery_words(seed_text)
    assert words == {"DELIVERED", "EXPIRED", "DELETED", "UNDELIVERABLE", "ACCEPTED", "UNKNOWN", "REJECTED"}
    assert words <= set(DELIVERY_STATUSES)


def test_every_documented_subscription_status_is_mapped(seed_text):
    words = documented_subscription_words(seed_text)
    assert words == {"REGISTERED", "UNREGISTERED"}
    assert words <= set(SUBSCRIPTION_EVENTS)


def test_every_platform_error_code_is_classed():
    assert set(PLATFORM_CODES) - set(PLATFORM_ERRORS) == set()
    for code in PLATFORM_CODES:
        error = error_for(code)
        assert error.raw_code == code
        assert error.code != ErrorCode.UNKNOWN
        assert error.message


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("E1313", (ErrorCode.AUTH_FAILED, ErrorClass.ACCOUNT)),
        ("E1303", (ErrorCode.NOT_ALLOWED, ErrorClass.ACCOUNT)),
        ("E1326", (ErrorCode.INSUFFICIENT_BALANCE, ErrorClass.ACCOUNT)),
        ("E1325", (ErrorCode.INVALID_NUMBER, ErrorClass.PERMANENT)),
        ("E1342", (ErrorCode.BLOCKED, ErrorClass.PERMANENT)),
        ("E1334", (ErrorCode.CONTENT_INVALID, ErrorClass.PERMANENT)),
        ("E1331", (ErrorCode.SENDER_INVALID, ErrorClass.PERMANENT)),
        ("E1318", (ErrorCode.RATE_LIMITED, ErrorClass.RETRYABLE)),
        ("E1603", (ErrorCode.PROVIDER_ERROR, ErrorClass.RETRYABLE)),
        ("E1333", (ErrorCode.CONTENT_INVALID, ErrorClass.AMBIGUOUS)),
        ("E1363", (ErrorCode.TIMEOUT, ErrorClass.AMBIGUOUS)),
        ("e1384", (ErrorCode.UNSUPPORTED_DESTINATION, ErrorClass.PERMANENT)),
    ],
)
def test_codes_are_classed_by_meaning(code, expected):
    error = error_for(code, "detail from the platform")
    assert (error.code, error.error_class) == expected
    assert error.message == "detail from the platform"


@pytest.mark.parametrize(
    ("detail", "expected"),
    [
        ("Authentication failure", (ErrorCode.AUTH_FAILED, ErrorClass.ACCOUNT)),
        ("Insufficient balance", (ErrorCode.INSUFFICIENT_BALANCE, ErrorClass.ACCOUNT)),
        ("Temporary failure, try later", (ErrorCode.PROVIDER_ERROR, ErrorClass.RETRYABLE)),
        ("Invalid OTP", (ErrorCode.NOT_ALLOWED, ErrorClass.PERMANENT)),
        ("something new", (ErrorCode.UNKNOWN, ErrorClass.PERMANENT)),
    ],
)
def test_unknown_codes_are_classed_by_their_detail(detail, expected):
    error = error_for("E9999", detail)
    assert (error.code, error.error_class, error.raw_code) == (*expected, "E9999")


def test_prefix_decides_success():
    assert is_success("S1000") and is_success("P1003") and is_success("S2000")
    assert not is_success("E1313")
    assert not is_success("")


@pytest.mark.parametrize(
    ("word", "status", "error"),
    [
        ("DELIVERED", MessageStatus.DELIVERED, None),
        ("ACCEPTED", MessageStatus.SENT, None),
        ("UNKNOWN", MessageStatus.SENT, None),
        ("EXPIRED", MessageStatus.EXPIRED, ErrorCode.EXPIRED),
        ("DELETED", MessageStatus.UNDELIVERED, ErrorCode.NOT_DELIVERED),
        ("UNDELIVERABLE", MessageStatus.UNDELIVERED, ErrorCode.NOT_DELIVERED),
        ("REJECTED", MessageStatus.REJECTED, ErrorCode.REJECTED),
        ("delivered.", MessageStatus.DELIVERED, None),
        ("SOMETHING_NEW", MessageStatus.SENT, None),
        ("", MessageStatus.SENT, None),
    ],
)
def test_delivery_statuses(word, status, error):
    mapped, mapped_error = delivery_status(word)
    assert mapped == status
    assert (mapped_error.code if mapped_error else None) == error


@pytest.mark.parametrize(
    ("word", "kind"),
    [
        ("REGISTERED.", "subscription"),
        ("REGISTERED", "subscription"),
        ("UNREGISTERED.", "unsubscription"),
        ("unregistered", "unsubscription"),
        ("PENDING CHARGE", "subscription_pending"),
        ("PENDING_CHARGE", "subscription_pending"),
        ("", "subscription_status"),
    ],
)
def test_subscription_words(word, kind):
    assert subscription_event_kind(word) == kind


def test_only_a_refusal_about_the_applications_reach_may_fail_over():
    from providers.vappstore.codes import error_for as classify

    assert classify("E1384").route_specific  # international SMS disabled on this application
    assert not classify("E1312").route_specific
    assert not classify("E9999", "invalid msisdn").route_specific
