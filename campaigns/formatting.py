"""One way to show money and times everywhere (pages, messages, exports).

Amounts: the currency code after the figure, thousands grouped, 2 decimals; per-message
prices may show 4 (``unit=True``). Times: shown in the viewer's zone (activated per request by
``portal.tenancy.TenancyMiddleware``) and always labelled with that zone."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone
from django.utils.dateformat import format as date_format

MONEY_PLACES = 2
UNIT_PRICE_PLACES = 4


def format_money(amount: Decimal | float | int | str | None, currency: str = "", *, unit: bool = False) -> str:
    """'1,234.50 USD'; a per-message price keeps 4 decimals ('0.0125 USD'). None gives '–'."""
    if amount is None or amount == "":
        return "–"
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        return str(amount)
    places = UNIT_PRICE_PLACES if unit else MONEY_PLACES
    quantum = Decimal(1).scaleb(-places)
    rounded = value.quantize(quantum, rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # never "-0.00"
    text = f"{rounded:,.{places}f}"
    return f"{text} {currency}".strip()


def zone_label(moment: dt.datetime | None = None) -> str:
    """The active zone's short name at that moment ('PKT', 'UTC', '+04')."""
    moment = moment or timezone.now()
    return date_format(timezone.localtime(moment), "T")


def format_when(value: dt.datetime | None, fmt: str = "j M Y, H:i") -> str:
    """A moment in the viewer's zone, labelled: '30 Nov 2026, 17:40 PKT'. None gives '–'."""
    if value is None or value == "":
        return "–"
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{date_format(local, fmt)} {date_format(local, 'T')}".strip()
    return date_format(value, "j M Y")


def _zone(name: str) -> zoneinfo.ZoneInfo | None:
    try:
        return zoneinfo.ZoneInfo(name) if name else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def format_when_in_zones(value: dt.datetime | None, *zones: str) -> str:
    """The moment in the viewer's zone, then in each other named zone whose clock differs:
    '30 Nov 2026, 17:40 PKT (07:40 EST, America/New_York)'."""
    if value is None:
        return "–"
    text = format_when(value)
    viewer = timezone.localtime(value)
    shown = {viewer.strftime("%Y%m%d%H%M")}
    extras = []
    for name in dict.fromkeys(zones):
        zone = _zone(name)
        if zone is None:
            continue
        local = value.astimezone(zone)
        if local.strftime("%Y%m%d%H%M") in shown:
            continue
        shown.add(local.strftime("%Y%m%d%H%M"))
        same_day = local.date() == viewer.date()
        extras.append(f"{date_format(local, 'H:i' if same_day else 'j M, H:i')} {date_format(local, 'T')}, {name.replace('_', ' ')}")
    return f"{text} ({'; '.join(extras)})" if extras else text


# Message statuses and error codes as a marketer reads them (charts, tiles, timelines).
STATUS_WORDS = {
    "pending": "Waiting to send",
    "queued": "Queued",
    "submitted": "Submitted",
    "sent": "Sent to network",
    "delivered": "Delivered",
    "undelivered": "Not delivered",
    "expired": "Expired",
    "rejected": "Rejected",
    "failed": "Failed",
    "unknown": "Unknown",
    "cancelled": "Cancelled (not sent)",
}
ERROR_WORDS = {
    "invalid_number": "Invalid number",
    "unsupported_destination": "Destination not supported",
    "blocked": "Blocked or opted out",
    "content_invalid": "Content refused",
    "sender_invalid": "Sender not allowed",
    "auth_failed": "Provider login failed",
    "account_disabled": "Provider account disabled",
    "insufficient_balance": "Provider balance too low",
    "not_allowed": "Not allowed by the provider",
    "rate_limited": "Rate limited",
    "provider_error": "Provider error",
    "timeout": "Provider did not answer",
    "network": "Could not reach the provider",
    "bad_request": "Request refused",
    "media_invalid": "Media or template refused",
    "not_delivered": "Not delivered",
    "expired": "Expired",
    "rejected": "Rejected",
    "no_answer": "No answer",
    "cancelled": "Campaign cancelled",
    "unknown": "Unknown",
}


def words(code: str, table: dict[str, str] | None = None) -> str:
    """A status or error code in words ('not_delivered' -> 'Not delivered')."""
    known = (table or {**ERROR_WORDS, **STATUS_WORDS}).get(code)
    return known or (str(code).replace("_", " ").capitalize() if code else "")
