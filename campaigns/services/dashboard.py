"""The account dashboard's figures for a chosen period (7, 30 or 90 days, days in the
viewer's zone): the messages that reached a final status in it, by status, and their rates;
the same for the period before (the trend); and a per-day series for the chart.

Read from the hourly count rows (StatusCount), never from the messages: a handful of rows
per campaign and hour, whatever the account's size. Rates come from the one definition
(campaigns/services/rates.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Sum
from django.utils import timezone

from campaigns.models import StatusCount
from campaigns.services.counts import empty_counts
from campaigns.services.rates import Rates, rates
from campaigns.status import FINAL
from providers.base import MessageStatus as S

PERIODS = (7, 30, 90)
DEFAULT_PERIOD = 7
# The chart's series: final statuses grouped by what they mean to a marketer, in words.
SERIES = [
    ("delivered", "Delivered", (S.DELIVERED,)),
    ("failed", "Not delivered or failed", (S.UNDELIVERED, S.EXPIRED, S.REJECTED, S.FAILED)),
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
        """Percent more (or fewer) finished messages than the period before."""
        before = self.previous.total
        return round(100 * (self.current.total - before) / before, 1) if before else None


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


Day = tuple[dict[str, int], int]  # (final statuses reached that day, of which unsent expiries)


def _day_counts(account, start: datetime, end: datetime) -> dict[str, Day]:
    """{ISO day in the current zone: Day} of the account's count rows of hours in [start, end).
    Rows are per UTC hour: in a zone off by half an hour, an hour counts on the day it starts."""
    rows = (
        StatusCount.objects.filter(account=account, hour__gte=start, hour__lt=end, status__in=list(FINAL))
        .values("hour", "status", "not_sent")
        .annotate(n=Sum("count"))
    )
    days: dict[str, Day] = {}
    for row in rows:
        key = timezone.localtime(row["hour"]).date().isoformat()
        counts, unsent = days.get(key) or (empty_counts(), 0)
        n = int(row["n"] or 0)
        counts[row["status"]] += n
        days[key] = (counts, unsent + (n if row["not_sent"] else 0))
    return days


def _sum(per_day: dict[str, Day]) -> Rates:
    total, unsent = empty_counts(), 0
    for counts, day_unsent in per_day.values():
        for status in FINAL:
            total[status] += counts.get(status, 0)
        unsent += day_unsent
    total["total"] = sum(total[s] for s in FINAL)
    return rates(total, unsent)


def _series(per_day: dict[str, Day], first_day: date, days: int) -> dict:
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
