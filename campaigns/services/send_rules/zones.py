"""Which time zone a recipient lives in: the contact's `timezone` attribute when it names a
real zone, else the zones of the number's area (phonenumbers), else the account's."""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import phonenumbers
from phonenumbers import timezone as number_zones

ZONE_ATTRIBUTE = "timezone"


@lru_cache(maxsize=1)
def _known() -> frozenset[str]:
    return frozenset(available_timezones())


def valid_zone(name: object) -> str | None:
    """``name`` when it is an IANA zone zoneinfo knows, else None."""
    if not isinstance(name, str) or name.strip() not in _known():
        return None
    try:
        ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name.strip()


def zones_of_number(phone: str) -> tuple[str, ...]:
    """The zones phonenumbers knows for the number's area (empty when it knows none)."""
    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return ()
    return tuple(sorted(z for z in number_zones.time_zones_for_number(number) if valid_zone(z)))


def candidate_zones(phone: str, attribute: object, account_zone: str) -> tuple[str, ...]:
    """The zones this recipient may be in: one from the contact, else the number's (maybe
    several), else the account's."""
    own = valid_zone(attribute)
    if own:
        return (own,)
    return zones_of_number(phone) or (valid_zone(account_zone) or "UTC",)
