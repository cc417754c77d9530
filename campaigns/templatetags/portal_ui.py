"""Small template helpers for the portal's screens (navigation, status badges, query strings)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import format_html

from campaigns.formatting import ERROR_WORDS, STATUS_WORDS, format_money, format_when, format_when_in_zones, words, zone_label

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_link(context: dict[str, Any], href: str, label: str, exact: bool = False) -> str:
    """A navigation link marked aria-current when the page is inside its area."""
    path = context["request"].path
    current = path == href if exact else path.startswith(href)
    if current:
        return format_html('<a href="{}" aria-current="page">{}</a>', href, label)
    return format_html('<a href="{}">{}</a>', href, label)


@register.simple_tag(takes_context=True)
def query_with(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with some parameters replaced (for paging links)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def badge(status: str) -> str:
    return format_html('<span class="badge badge-{}">{}</span>', status, status_label(status).lower())


@register.filter
def call_outcome(value: str) -> str:
    """A voice call's outcome in words ("busy" -> "Line busy")."""
    from campaigns.services.outcomes import call_outcome_label

    return call_outcome_label(value)


@register.filter
def status_label(status: str) -> str:
    """A status in words ("undelivered" -> "Not delivered")."""
    from campaigns.status import label

    return label(status)


@register.filter
def status_words(status: str) -> str:
    """A message status in words: 'undelivered' -> 'Not delivered'."""
    return words(status, STATUS_WORDS)


@register.filter
def error_words(code: str) -> str:
    """A normalized error code in words: 'invalid_number' -> 'Invalid number'."""
    return words(code, ERROR_WORDS)


@register.filter
def money(amount: Any, currency: str = "") -> str:
    """An amount with its currency, 2 decimals: {{ account.balance|money:account.currency }}."""
    return format_money(amount, currency)


@register.filter
def unit_price(amount: Any, currency: str = "") -> str:
    """A per-message or per-pulse price, 4 decimals: {{ price.amount|unit_price:account.currency }}."""
    return format_money(amount, currency, unit=True)


@register.filter
def when(value: Any, fmt: str = "j M Y, H:i") -> str:
    """A moment in the viewer's zone with the zone's name: {{ m.sent_at|when }}."""
    return format_when(value, fmt)


@register.simple_tag
def current_zone() -> str:
    """The viewer's zone name and abbreviation, for column headers: 'Asia/Karachi (PKT)'."""
    return f"{timezone.get_current_timezone_name()} ({zone_label()})"


@register.simple_tag(takes_context=True)
def when_in_zones(context: dict[str, Any], value: Any, campaign_zone: str = "") -> str:
    """A schedule: the viewer's zone, plus the account's and the campaign's where they differ."""
    account = context.get("account")
    return format_when_in_zones(value, account.timezone if account is not None else "", campaign_zone)


@register.simple_tag
def zone_name() -> str:
    """The viewer's IANA zone name, for scripts that format times (Intl.DateTimeFormat)."""
    return timezone.get_current_timezone_name()


@register.simple_tag
def now_when() -> str:
    """The current moment in the viewer's zone, labelled."""
    return format_when(timezone.now())


@register.filter
def percent(part: int | float | None, whole: int | float | None) -> str:
    if not whole:
        return "–"
    return f"{100 * (part or 0) / whole:.1f}%"


@register.filter
def get_item(mapping: dict, key: str) -> Any:
    return (mapping or {}).get(key, "")


@register.filter
def in_zone(value: Any, zone: str) -> Any:
    """A datetime shown in the given time zone (the campaign's), UTC if the name is unknown."""
    import zoneinfo

    if not value:
        return value
    try:
        local = value.astimezone(zoneinfo.ZoneInfo(zone or "UTC"))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return value
    return local.replace(tzinfo=None)  # naive, or the date filter would convert it back to UTC


@register.filter
def menu_answers(step_text: str) -> list[tuple[str, str]]:
    """A USSD screen's answers in the order the menu shows them (stored JSON may reorder keys)."""
    from campaigns.forms.composer import menu_options

    return list(menu_options(step_text or "").items())
