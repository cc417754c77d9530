"""Phone numbers as the portal stores them: E.164 (+ country code, digits)."""

from __future__ import annotations

import phonenumbers


class PhoneError(ValueError):
    """The text is not a usable phone number; the message says why, for a person."""


def normalize_phone(raw: str, region: str | None = None) -> str:
    """E.164 form of ``raw``; numbers without a country code are read in ``region``."""
    text = (raw or "").strip()
    if not text:
        raise PhoneError("The phone number is missing.")
    if text.startswith("00"):
        text = "+" + text[2:]
    if not text.startswith("+") and not region and text.isdigit() and len(text) > 9:
        text = "+" + text  # digits only, long enough to carry a country code (as exports often do)
    try:
        number = phonenumbers.parse(text, region or None)
    except phonenumbers.NumberParseException:
        if not region and not text.startswith("+"):
            raise PhoneError("Add the country code, e.g. +923001234567.")
        raise PhoneError("This is not a phone number.")
    if not phonenumbers.is_possible_number(number):
        raise PhoneError("This number has the wrong length for its country.")
    if not phonenumbers.is_valid_number(number):
        raise PhoneError("This is not a valid number for its country.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def region_choices() -> list[tuple[str, str]]:
    """Countries for "numbers without a country code are from...", most common calling codes."""
    from phonenumbers import COUNTRY_CODE_TO_REGION_CODE

    regions = sorted({r for rs in COUNTRY_CODE_TO_REGION_CODE.values() for r in rs if r != "001"})
    return [("", "They all start with + and the country code")] + [
        (r, f"{r} (+{phonenumbers.country_code_for_region(r)})") for r in regions
    ]
