"""Wavy's billing table: printable ASCII per 160, anything else (accents) per 70."""

from __future__ import annotations

import pytest

from providers.wavy.backend import map_send_reply
from providers.wavy.charset import BASIC, billing

from .conftest import sms


@pytest.mark.parametrize(
    ("text", "charset", "segments"),
    [
        ("", "basic", 0),
        ("a" * 160, "basic", 1),
        ("a" * 161, "basic", 2),
        ("a" * 306, "basic", 2),
        ("a" * 307, "basic", 3),
        ("{braces} ~ \\ ^ `", "basic", 1),
        ("A combinação foi perfeita :)", "unicode", 1),
        ("é" * 70, "unicode", 1),
        ("é" * 71, "unicode", 2),
        ("é" * 135, "unicode", 3),
    ],
)
def test_billing_by_the_documents_table(text, charset, segments):
    bill = billing(text)

    assert (bill.charset, bill.segments) == (charset, segments)


def test_the_characters_that_force_unicode_are_named():
    assert billing("A combinação foi perfeita").special == ("ç", "ã")


def test_each_submitted_message_carries_wavys_billing():
    [result] = map_send_reply([sms(1, text="Olá " * 20)], [{"id": "x"}])

    assert result.extra["charset"] == "unicode"
    assert result.extra["billed_segments"] == 2


@pytest.mark.parametrize("char", [chr(c) for c in range(0x180)])
def test_every_character_bills_as_the_table_says_in_any_position(char):
    """The fast all-ASCII check and the table agree on each character, alone or between
    basic text and line breaks (tab, DEL and control characters are not in the table)."""
    expected = "basic" if char in BASIC else "unicode"
    for text in (char, f"Hi\n{char}\r\nthere", f"{char}{'a' * 159}"):
        assert billing(text).charset == expected, repr(text)
        assert billing(text).special == (() if expected == "basic" else (char,))
