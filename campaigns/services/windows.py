"""Allowed sending hours in the campaign's timezone."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from campaigns.models import Campaign


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def inside(start: time, end: time, t: time) -> bool:
    if start == end:
        return True
    if start < end:
        return start <= t < end
    return t >= start or t < end  # overnight window, e.g. 20:00-06:00


def next_window_start(campaign: Campaign, now: datetime) -> datetime | None:
    """None when ``now`` is inside the allowed hours (or there are none), else the
    moment they next open (aware, UTC-comparable)."""
    return next_opening(campaign.allowed_start, campaign.allowed_end, zone(campaign.timezone), now)


def next_opening(start: time | None, end: time | None, tz: ZoneInfo, now: datetime) -> datetime | None:
    """None when ``now`` is inside the local hours [start, end) in ``tz`` (or there are
    none), else the moment they next open. Quiet hours are the hours outside such a window."""
    if start is None or end is None:
        return None
    local = now.astimezone(tz)
    if inside(start, end, local.time().replace(tzinfo=None)):
        return None
    candidate = local.replace(hour=start.hour, minute=start.minute, second=start.second, microsecond=0)
    if candidate <= local:
        candidate += timedelta(days=1)
    # Re-anchor in the zone so a DST change in between is honoured.
    naive = candidate.replace(tzinfo=None)
    return naive.replace(tzinfo=tz)
