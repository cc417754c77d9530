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
    no_country = not text.startswith("+") and not region and not any(c.isalpha() for c in text)
    if no_country and text.isdigit() and len(text) > 9:
        text = "+" + text  # digits only, long enough to carry a country code (as exports often do)
    try:
        number = phonenumbers.parse(text, region or None)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_possible_number(number) or not phonenumbers.is_valid_number(number):
        raise PhoneError(_why_invalid(number, no_country))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _why_invalid(number: phonenumbers.PhoneNumber | None, no_country: bool) -> str:
    if no_country:
        return "Add the country code, e.g. +923001234567."
    if number is None:
        return "This is not a phone number."
    if not phonenumbers.is_possible_number(number):
        return "This number has the wrong length for its country."
    return "This is not a valid number for its country."


def region_choices() -> list[tuple[str, str]]:
    """Countries for "numbers without a country code are from...", most common calling codes."""
    from phonenumbers import COUNTRY_CODE_TO_REGION_CODE

    regions = sorted({r for rs in COUNTRY_CODE_TO_REGION_CODE.values() for r in rs if r != "001"})
    return [("", "They all start with + and the country code")] + [
        (r, f"{r} (+{phonenumbers.country_code_for_region(r)})") for r in regions
    ]
