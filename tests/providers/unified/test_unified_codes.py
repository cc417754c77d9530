"""Every code the Unified document lists is classed; 1709 is the only retry, 1715 ambiguous."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from providers.base import ErrorClass, ErrorCode, MessageStatus
from providers.unified import codes

DOCUMENT = Path(settings.BASE_DIR).parent / "shared" / "seeds" / "004_9bb9e4ec3db91303.txt"
# The error-code table of the document (also read from the document itself when present).
DOCUMENTED = {"1701", "1702", "1703", "1704", "1705", "1706", "1707", "1708", "1709", "1710", "1725", "1715", "1732",
              "1028", "1041", "1042", "1033", "69", "8", "16", "18"}  # fmt: skip


def codes_in_document() -> set[str]:
    if not DOCUMENT.exists():
        return set(DOCUMENTED)
    return set(re.findall(r"^\d+ \| (\d+) \|", DOCUMENT.read_text(), flags=re.MULTILINE))


def test_the_document_lists_no_code_we_have_not_listed():
    assert codes_in_document() == DOCUMENTED


@pytest.mark.parametrize("code", sorted(DOCUMENTED - {codes.SUCCESS}))
def test_every_documented_error_code_is_mapped(code):
    assert code in codes.ERRORS, f"Unified code {code} has no mapping"
    assert codes.error_for(code).raw_code == code


def test_only_1709_is_retryable():
    retryable = {c for c in codes.ERRORS if codes.error_for(c).error_class == ErrorClass.RETRYABLE}
    assert retryable == {"1709"}


def test_1715_is_ambiguous():
    error = codes.error_for("1715")
    assert (error.code, error.error_class) == (ErrorCode.TIMEOUT, ErrorClass.AMBIGUOUS)


@pytest.mark.parametrize(
    "code,expected",
    [
        ("1702", (ErrorCode.BAD_REQUEST, ErrorClass.PERMANENT)),
        ("1703", (ErrorCode.AUTH_FAILED, ErrorClass.ACCOUNT)),
        ("1704", (ErrorCode.BAD_REQUEST, ErrorClass.PERMANENT)),
        ("1705", (ErrorCode.CONTENT_INVALID, ErrorClass.PERMANENT)),
        ("1706", (ErrorCode.INVALID_NUMBER, ErrorClass.PERMANENT)),
        ("1707", (ErrorCode.SENDER_INVALID, ErrorClass.ACCOUNT)),
        ("1708", (ErrorCode.BAD_REQUEST, ErrorClass.PERMANENT)),
        ("1710", (ErrorCode.PROVIDER_ERROR, ErrorClass.PERMANENT)),
        ("1725", (ErrorCode.INSUFFICIENT_BALANCE, ErrorClass.ACCOUNT)),
        ("1732", (ErrorCode.BLOCKED, ErrorClass.PERMANENT)),
        ("1028", (ErrorCode.CONTENT_INVALID, ErrorClass.PERMANENT)),
        ("1041", (ErrorCode.REJECTED, ErrorClass.PERMANENT)),
        ("1042", (ErrorCode.BLOCKED, ErrorClass.PERMANENT)),
        ("1033", (ErrorCode.CONTENT_INVALID, ErrorClass.PERMANENT)),
        ("69", (ErrorCode.PROVIDER_ERROR, ErrorClass.PERMANENT)),
        ("8", (ErrorCode.PROVIDER_ERROR, ErrorClass.PERMANENT)),
        ("16", (ErrorCode.NOT_ALLOWED, ErrorClass.ACCOUNT)),
        ("18", (ErrorCode.NOT_ALLOWED, ErrorClass.ACCOUNT)),
    ],
)
def test_codes_are_classed_by_meaning(code, expected):
    error = codes.error_for(code)
    assert (error.code, error.error_class) == expected


def test_other_smpp_codes_are_never_retried():
    error = codes.error_for("88")
    assert error.error_class == ErrorClass.PERMANENT and error.raw_code == "88"


@pytest.mark.parametrize("word", ["DELIVRD", "DELIVERED", "UNDELIV", "UNDELIVERED", "EXPIRED", "REJECTD", "FAILED", "ACCEPTD", "ENROUTE"])
def test_delivery_words_are_mapped(word):
    assert codes.dlr_status(word) is not None


def test_failed_report_is_undelivered_not_failed():
    # "failed" is ours for a refused submission; a report comes after the provider took it.
    assert codes.dlr_status("failed") == MessageStatus.UNDELIVERED
