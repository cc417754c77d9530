"""Destinations go to Wavy as bare digits, whatever the number looked like."""

from __future__ import annotations

import pytest

from providers.wavy.parsing import wavy_number


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("+5511900009999", "5511900009999"),
        ("5511900009999", "5511900009999"),
        ("+55 11 90000-9999", "5511900009999"),
        ("++5511", "5511"),
        ("+", ""),
        ("", ""),
        ("+55١١9", "55١١9"),  # what str.isdigit() calls a digit is kept, on either path
        ("+55\n", "55"),
    ],
)
def test_wavy_number_keeps_only_the_digits(number, expected):
    assert wavy_number(number) == expected
