"""One way to show money and times everywhere (pages, messages, exports).

Amounts: the currency code after the figure, thousands grouped, 2 decimals; per-message
prices may show 4 (``unit=True``). Times: shown in the viewer's zone (activated per request by
``portal.tenancy.TenancyMiddleware``) and always labelled with that zone."""

from __future__ import annotations

import datetime as dt
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
