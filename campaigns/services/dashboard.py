"""The account dashboard's figures for a chosen period (7, 30 or 90 days, days in the
viewer's zone): status counts and rates of the messages sent in it, the same figures for
the period before (the trend), and a per-day series for the chart. Rates come from the one
definition (campaigns/services/rates.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import Count, F, Func, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from campaigns.models import Message
from campaigns.services.counts import empty_counts
from campaigns.services.rates import Rates, rates
from campaigns.status import ORDER, UNSENT_EXPIRY_CODE
from providers.base import MessageStatus as S

PERIODS = (7, 30, 90)
DEFAULT_PERIOD = 7
# The chart's series: statuses grouped by what they mean to a marketer, in words.
SERIES = [
    ("delivered", "Delivered", (S.DELIVERED,)),
    ("failed", "Not delivered or failed", (S.UNDELIVERED, S.EXPIRED, S.REJECTED, S.FAILED)),
    ("on_the_way", "On the way", (S.PENDING, S.QUEUED, S.SUBMITTED, S.SENT, S.UNKNOWN)),
    ("not_sent", "Not sent (cancelled or expired first)", (S.CANCELLED,)),
]


def chosen_period(value: str | None) -> int:
    """The period in days from a query parameter: one of PERIODS, else the default."""
    try:
        days = int(value or DEFAULT_PERIOD)
    except (TypeError, ValueError):
        return DEFAULT_PERIOD
    return days if days in PERIODS else DEFAULT_PERIOD


@dataclass(frozen=True)
class PeriodFigures:
    days: int
    first_day: date
    last_day: date
    current: Rates
    previous: Rates
    series: dict  # {"days": [...], "series": [{"key", "label", "values"}]}

    @property
    def delivery_rate_change(self) -> float | None:
        """Percentage points against the period before (None when either has no outcome)."""
        now, before = self.current.delivery_rate, self.previous.delivery_rate
        return None if now is None or before is None else round(now - before, 1)

    @property
    def messages_change(self) -> float | None:
        """Percent more (or fewer) messages than the period before."""
        before = self.previous.total
        return round(100 * (self.current.total - before) / before, 1) if before else None


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def _local_day():
    """The day of created_at in the current zone, as a date (or ISO text on SQLite)."""
    if connection.vendor != "sqlite":
        return TruncDate("created_at", tzinfo=timezone.get_current_timezone())
    # SQLite: a built-in shift of the ISO text (Django's TruncDate calls Python per row there).
    # The offset is the zone's now: around a daylight-saving switch an hour may land a day off.
    offset = int(timezone.localtime().utcoffset().total_seconds() // 60)
    return Func(F("created_at"), template=f"substr(datetime(%(expressions)s, '{offset:+d} minutes'), 1, 10)")


def _day_counts(account, start: datetime, end: datetime) -> dict[str, tuple[dict[str, int], int]]:
    """{ISO day: (counts by status, unsent expiries)} of the account's messages created in [start, end)."""
    rows = (
        Message.objects.filter(account=account, created_at__gte=start, created_at__lt=end)
        .annotate(day=_local_day())
        .values("day", "status")
        .annotate(n=Count("id"), unsent=Count("id", filter=Q(error_code=UNSENT_EXPIRY_CODE)))
    )
    days: dict[str, tuple[dict[str, int], int]] = {}
    for row in rows:
        key = str(row["day"])[:10]
        counts, unsent = days.get(key) or (empty_counts(), 0)
        counts[row["status"]] = counts.get(row["status"], 0) + row["n"]
        days[key] = (counts, unsent + (row["unsent"] if row["status"] == S.EXPIRED else 0))
    return days


def _sum(per_day: dict[str, tuple[dict[str, int], int]]) -> Rates:
    total, unsent = empty_counts(), 0
    for counts, day_unsent in per_day.values():
        for status in ORDER:
            total[status] += counts.get(status, 0)
        unsent += day_unsent
    return rates(total, unsent)


def _series(per_day: dict[str, tuple[dict[str, int], int]], first_day: date, days: int) -> dict:
    labels = [(first_day + timedelta(days=i)).isoformat() for i in range(days)]
    out = []
    for key, label, statuses in SERIES:
        values = []
        for day in labels:
            counts, unsent = per_day.get(day) or (empty_counts(), 0)
            n = sum(counts.get(s, 0) for s in statuses)
            if key == "failed":
                n -= unsent
            elif key == "not_sent":
                n += unsent
            values.append(n)
        out.append({"key": key, "label": label, "values": values})
    return {"days": labels, "series": out}


def period_figures(account, days: int) -> PeriodFigures:
    """The figures of the last ``days`` days (today included) and of the ``days`` before."""
    last_day = timezone.localdate()
    first_day = last_day - timedelta(days=days - 1)
    start, end = _start_of(first_day), _start_of(last_day + timedelta(days=1))
    previous_start = _start_of(first_day - timedelta(days=days))
    current = _day_counts(account, start, end)
    previous = _day_counts(account, previous_start, start)
    return PeriodFigures(
        days=days,
        first_day=first_day,
        last_day=last_day,
        current=_sum(current),
        previous=_sum(previous),
        series=_series(current, first_day, days),
    )
