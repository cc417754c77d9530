"""Every code and status word the VavaSMS document prints is mapped to our terms."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from providers.base import ErrorClass, ErrorCode, MessageStatus
from providers.vavasms import codes

DOCUMENT = Path(settings.BASE_DIR).parent / "shared" / "seeds" / "003_a5764b7d78e9b77c.txt"
# The codes printed in the document (kept here too so the test runs without the document).
DOCUMENTED_CODES = {"901", "902", "903", "709", "913"}
DOCUMENTED_STATUS_WORDS = {"sent"}


def codes_in_document() -> set[str]:
    if not DOCUMENT.exists():
        return set(DOCUMENTED_CODES)
    found = set(re.findall(r'"code"\s*:\s*"?(\d+)"?', DOCUMENT.read_text()))
    return found - {codes.SUCCESS_CODE}


def test_the_document_prints_no_code_we_have_not_listed():
    assert codes_in_document() <= DOCUMENTED_CODES


@pytest.mark.parametrize("code", sorted(DOCUMENTED_CODES))
def test_every_documented_code_is_mapped(code):
    assert code in codes.ERRORS, f"VavaSMS code {code} has no mapping"
    error = codes.error_for(code)
    assert error.code != ErrorCode.UNKNOWN
    assert error.raw_code == code


@pytest.mark.parametrize(
    "code,expected",
    [
        ("901", (ErrorCode.AUTH_FAILED, ErrorClass.ACCOUNT)),
        ("902", (ErrorCode.SENDER_INVALID, ErrorClass.ACCOUNT)),
        ("903", (ErrorCode.INVALID_NUMBER, ErrorClass.PERMANENT)),
        ("709", (ErrorCode.PROVIDER_ERROR, ErrorClass.PERMANENT)),
        ("913", (ErrorCode.REJECTED, ErrorClass.PERMANENT)),
    ],
)
def test_codes_are_classed_by_their_meaning(code, expected):
    error = codes.error_for(code)
    assert (error.code, error.error_class) == expected


def test_an_execution_error_about_credit_is_an_account_problem():
    error = codes.error_for("709", "EXECUTION_ERROR", "Solde insuffisant")
    assert (error.code, error.error_class) == (ErrorCode.INSUFFICIENT_BALANCE, ErrorClass.ACCOUNT)


def test_an_undocumented_code_is_a_permanent_unknown_error_keeping_its_raw_code():
    error = codes.error_for("999", "SOMETHING", "new")
    assert (error.code, error.error_class, error.raw_code) == (ErrorCode.UNKNOWN, ErrorClass.PERMANENT, "999")


@pytest.mark.parametrize("word", sorted(DOCUMENTED_STATUS_WORDS))
def test_every_documented_status_word_is_mapped(word):
    assert codes.status_for(word) is not None


@pytest.mark.parametrize(
    "word,status",
    [
        ("sent", MessageStatus.SENT),
        ("DELIVERED", MessageStatus.DELIVERED),
        ("Livré", MessageStatus.DELIVERED),
        ("failed", MessageStatus.UNDELIVERED),
        ("expired", MessageStatus.EXPIRED),
        ("rejected", MessageStatus.REJECTED),
    ],
)
def test_status_words(word, status):
    assert codes.status_for(word) == status


def test_unknown_status_word_maps_to_nothing():
    assert codes.status_for("weird") is None
