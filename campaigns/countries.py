"""Which country an account's local numbers belong to, guessed from its time zone.

Python's zoneinfo has no zone -> country table, so one is derived from phonenumbers' own
time-zone data (number prefix -> zones): each prefix that lies in a single zone votes for
the region its numbers belong to; a zone goes to the region with most votes, the main
region of a shared calling code winning ties (Europe/London: GB, not GG, IM or JE)."""

from __future__ import annotations

from collections import Counter
from functools import cache

import phonenumbers
from phonenumbers.tzdata import TIMEZONE_DATA

# phonenumbers names a few zones by their older IANA spelling.
ZONE_ALIASES = {
    "Asia/Kolkata": "Asia/Calcutta",
    "Asia/Kathmandu": "Asia/Katmandu",
    "Asia/Ho_Chi_Minh": "Asia/Saigon",
    "Asia/Yangon": "Asia/Rangoon",
    "Europe/Kyiv": "Europe/Kiev",
    "Atlantic/Faroe": "Atlantic/Faeroe",
    "America/Nuuk": "America/Godthab",
    "Pacific/Chuuk": "Pacific/Truk",
    "Pacific/Pohnpei": "Pacific/Ponape",
}


# Where phonenumbers' prefix data points a capital's zone at a neighbour (checked by hand).
CORRECTIONS = {
    "Europe/Paris": "FR",
    "Europe/Dublin": "IE",
    "Europe/Bucharest": "RO",
    "Asia/Almaty": "KZ",
    "Asia/Kuala_Lumpur": "MY",
    "Asia/Seoul": "KR",
    "Africa/Casablanca": "MA",
    "Africa/Algiers": "DZ",
    "America/Argentina/Buenos_Aires": "AR",
    "America/Buenos_Aires": "AR",
}


def _region_of_prefix(prefix: str) -> str | None:
    for size in (1, 2, 3):
        code = int(prefix[:size])
        regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(code)
        if not regions:
            continue
        if len(regions) == 1:
            return regions[0]
        for region in regions:  # a shared calling code (+1, +7, +44): try the prefix on each region's example
            example = phonenumbers.example_number(region)
            if example is None:
                continue
            national = prefix[size:]
            digits = national + str(example.national_number)[len(national) :]
            candidate = phonenumbers.PhoneNumber(country_code=code, national_number=int(digits or 0))
            if phonenumbers.is_valid_number_for_region(candidate, region):
                return region
        return phonenumbers.region_code_for_country_code(code)
    return None


def _main_region_first(item: tuple[str, int]) -> tuple[int, bool, str]:
    region, votes = item
    main = phonenumbers.region_code_for_country_code(phonenumbers.country_code_for_region(region)) == region
    return (-votes, not main, region)


@cache
def _zone_to_country() -> dict[str, str]:
    votes: dict[str, Counter] = {}
    for prefix, zones in TIMEZONE_DATA.items():
        if len(zones) != 1:
            continue
        region = _region_of_prefix(prefix)
        if region and region != "001":
            votes.setdefault(zones[0], Counter())[region] += 1
    return {zone: min(counter.items(), key=_main_region_first)[0] for zone, counter in votes.items()}


def country_for_zone(zone: str) -> str:
    """ISO 3166 alpha-2 code for an IANA zone, e.g. Asia/Karachi -> PK; "" when unknown."""
    if zone in CORRECTIONS:
        return CORRECTIONS[zone]
    table = _zone_to_country()
    return table.get(zone or "") or table.get(ZONE_ALIASES.get(zone or "", ""), "")


def country_choices() -> list[tuple[str, str]]:
    regions = sorted(r for r in phonenumbers.SUPPORTED_REGIONS if r != "001")
    return [(r, f"{r} (+{phonenumbers.country_code_for_region(r)})") for r in regions]
