"""Small translations between the portal's values and V-Appstore's: "tel:" addresses,
timestamps in the document's several formats, and case-insensitive field lookup."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIMEZONE = "Pacific/Fiji"  # TAP is Vodafone Fiji's platform (FJD, +679)

# The document says "yyMMddHHmm", its sample shows yyyyMMddHHmmss, the CaaS samples use
# ISO 8601 and "15-Nov-2023 11:55": accept them all.
# strptime is lenient about widths, so all-digit stamps are chosen by their length.
_DIGIT_FORMATS = {14: "%Y%m%d%H%M%S", 12: "%y%m%d%H%M%S", 10: "%y%m%d%H%M"}
_TIME_FORMATS = ("%d-%b-%Y %H:%M", "%d-%b-%Y %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M")


def to_tel(number: str) -> str:
    """+6792870940 -> tel:6792870940"""
    digits = "".join(ch for ch in number if ch.isdigit())
    return f"tel:{digits}"


def address_key(address: str) -> str:
    """The comparable part of an address: "tel: +679 287" -> "679287"; masked ids stay as sent."""
    value = (address or "").strip()
    if value.lower().startswith("tel:"):
        value = value[4:]
    value = "".join(value.split())
    return value[1:] if value.startswith("+") and value[1:].isdigit() else value


def from_tel(address: str) -> str:
    """tel:6792870940 -> +6792870940. Masked numbers (not all digits) are returned as sent."""
    key = address_key(address)
    return f"+{key}" if key.isdigit() else key


def parse_time(value: Any, timezone: str = DEFAULT_TIMEZONE) -> datetime | None:
    """A timestamp in any documented format; naive ones are in the platform's timezone."""
    text = str(value or "").strip()
    if not text:
        return None
    parsed = _parse_iso(text) or _parse_formats(text)
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=_zone(timezone))
    return parsed


def _parse_iso(text: str) -> datetime | None:
    if "T" not in text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def _parse_formats(text: str) -> datetime | None:
    formats = (_DIGIT_FORMATS.get(len(text), ""),) if text.isdigit() else _TIME_FORMATS
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


def pick(data: dict[str, Any], *names: str, default: str = "") -> str:
    """The first of ``names`` present in ``data``, ignoring case, "-" and "_"
    ("Correlation-id" == "correlationId", "TotalAmount" == "totalAmount")."""
    folded = {_fold(k): v for k, v in data.items()}
    for name in names:
        value = folded.get(_fold(name))
        if value is not None and value != "":
            return str(value).strip() if not isinstance(value, dict | list) else default
    return default


def has_any(data: dict[str, Any], *names: str) -> bool:
    folded = {_fold(k) for k in data}
    return any(_fold(n) in folded for n in names)


def _fold(name: str) -> str:
    return str(name).lower().replace("-", "").replace("_", "")
