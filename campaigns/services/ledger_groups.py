"""The ledger as a person reads it: charges grouped per campaign per day (single API sends
per subaccount per day) in the viewer's zone, every other entry on its own line.

Grouping happens when the ledger is read, so the hot path keeps writing one small entry
per batch under the account lock it already holds (no extra row to contend on) and the
balance stays the plain sum of the entries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Case, Count, F, IntegerField, Max, Min, QuerySet, Sum, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone

from campaigns.models import Campaign, LedgerEntry, Subaccount

Q4 = Decimal("0.0001")


@dataclass
class LedgerLine:
    kind: str
    kind_label: str
    day: date
    last_at: datetime
    first_at: datetime
    total: Decimal
    message_count: int
    entry_count: int
    last_id: int
    campaign: Campaign | None
    subaccount: Subaccount | None
    entry: LedgerEntry | None  # the entry itself, for lines that are one entry (top-ups, refunds)

    @property
    def is_charge_group(self) -> bool:
        return self.kind == LedgerEntry.Kind.CHARGE

    @property
    def drill_down_query(self) -> str:
        query = f"day={self.day.isoformat()}&campaign={self.campaign.pk if self.campaign else 'none'}"
        return query + (f"&subaccount={self.subaccount.pk}" if self.subaccount else "")


@dataclass
class LedgerPage:
    rows: list[LedgerLine]
    next_before: int | None
    is_first: bool


def grouped_lines(entries: QuerySet) -> QuerySet:
    """One row per charge group, or per entry for the other kinds, newest activity first."""
    return (
        entries.annotate(
            day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()),
            single=Case(When(kind=LedgerEntry.Kind.CHARGE, then=Value(0)), default=F("id"), output_field=IntegerField()),
        )
        .values("day", "kind", "campaign_id", "subaccount_id", "single")
        .annotate(
            total=Sum("amount"),
            messages=Sum("message_count"),
            entries=Count("id"),
            last_id=Max("id"),
            last_at=Max("created_at"),
            first_at=Min("created_at"),
        )
        .order_by("-last_id")
    )


def ledger_page(entries: QuerySet, before: int = 0, size: int = 50) -> LedgerPage:
    """A page of ledger lines; ``before`` is the previous page's ``next_before``."""
    lines = grouped_lines(entries)
    if before > 0:
        lines = lines.filter(last_id__lt=before)
    rows = list(lines[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return LedgerPage(rows=_materialize(rows), next_before=rows[-1]["last_id"] if more and rows else None, is_first=before <= 0)


def _materialize(rows: list[dict]) -> list[LedgerLine]:
    campaigns = Campaign.objects.in_bulk({r["campaign_id"] for r in rows if r["campaign_id"]})
    subaccounts = Subaccount.objects.in_bulk({r["subaccount_id"] for r in rows if r["subaccount_id"]})
    singles = LedgerEntry.objects.select_related("created_by").in_bulk([r["last_id"] for r in rows if r["single"]])
    labels = dict(LedgerEntry.Kind.choices)
    return [
        LedgerLine(
            kind=r["kind"],
            kind_label=labels.get(r["kind"], r["kind"]),
            day=_as_date(r["day"]),
            last_at=r["last_at"],
            first_at=r["first_at"],
            total=Decimal(str(r["total"] or 0)).quantize(Q4),  # SQLite sums decimals as floats
            message_count=r["messages"] or 0,
            entry_count=r["entries"],
            last_id=r["last_id"],
            campaign=campaigns.get(r["campaign_id"]),
            subaccount=subaccounts.get(r["subaccount_id"]),
            entry=singles.get(r["last_id"]) if r["single"] else None,
        )
        for r in rows
    ]


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The start and end of ``day`` in the viewer's zone."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(day, time.min, tzinfo=zone)
    return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)


def charges_of_group(entries: QuerySet, day: date, campaign_id: int | None, subaccount_id: int | None) -> QuerySet:
    """The charge entries (one per send batch) behind one ledger line."""
    start, end = day_bounds(day)
    charges = entries.filter(kind=LedgerEntry.Kind.CHARGE, created_at__gte=start, created_at__lt=end, campaign_id=campaign_id)
    return charges.filter(subaccount_id=subaccount_id) if subaccount_id else charges.filter(subaccount__isnull=True)
