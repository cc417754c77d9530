"""When a recipient's message may go: the campaign's local send time in the recipient's
zone, then past the account's quiet hours there."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from campaigns.services.windows import next_opening

# A campaign that starts a little after a zone's send time still sends there at once,
# rather than a day late.
LATE_GRACE = timedelta(minutes=15)


@dataclass(frozen=True)
class Plan:
    at: datetime  # UTC
    zone: str
    reason: str  # "" (now), local_time, quiet_hours, cap


def next_local(start: datetime, at: time, tz: ZoneInfo) -> datetime:
    """The first ``at`` o'clock in ``tz`` not before ``start`` (give or take LATE_GRACE)."""
    local = start.astimezone(tz)
    candidate = datetime.combine(local.date(), at, tzinfo=tz)
    if candidate < local - LATE_GRACE:
        candidate = datetime.combine(local.date() + timedelta(days=1), at, tzinfo=tz)
    return candidate.astimezone(UTC)


def after_quiet(moment: datetime, quiet: tuple[time, time], tz: ZoneInfo) -> datetime | None:
    """The end of the quiet hours ``(start, end)`` when ``moment`` falls inside them there."""
    quiet_start, quiet_end = quiet
    opens = next_opening(quiet_end, quiet_start, tz, moment)  # allowed: from their end to their start
    return opens.astimezone(UTC) if opens else None


def plan_in(zone: str, start: datetime, local_time: time | None, quiet: tuple[time, time] | None) -> Plan:
    tz = ZoneInfo(zone)
    at, reason = start, ""
    if local_time is not None:
        at, reason = next_local(start, local_time, tz), "local_time"
    if quiet is not None:
        released = after_quiet(at, quiet, tz)
        if released is not None:
            at, reason = released, "quiet_hours"
    return Plan(at=at, zone=zone, reason=reason)


def pick(plans: list[Plan], rule: str) -> Plan:
    """For a number spanning several zones: the earliest or the latest of their plans."""
    return max(plans, key=lambda p: p.at) if rule == "latest" else min(plans, key=lambda p: p.at)


def plan_zone(name: str) -> str:
    """A zone name zoneinfo can load (the account's may be empty or stale)."""
    from campaigns.services.send_rules.zones import valid_zone

    return valid_zone(name) or "UTC"
