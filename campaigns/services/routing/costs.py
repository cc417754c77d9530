"""What a connection costs per destination: rate cards (longest prefix wins), their CSV
upload with per-row errors, and the cost of one message."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction

from campaigns.models import RateCardEntry
from campaigns.models.senders import CHANNEL_CHOICES
from campaigns.services import audit

CHANNELS = {value for value, _ in CHANNEL_CHOICES}
UNITS = set(RateCardEntry.Unit.values)
CSV_COLUMNS = ("channel", "prefix", "price", "unit", "currency")
MAX_ROWS = 50_000


class RateBook:
    """Rate cards of some connections for one channel, loaded once, looked up per destination."""

    def __init__(self, connection_ids: list[int], channel: str) -> None:
        self.entries: dict[int, list[RateCardEntry]] = defaultdict(list)
        for entry in RateCardEntry.objects.filter(connection_id__in=connection_ids, channel=channel):
            self.entries[entry.connection_id].append(entry)
        for entries in self.entries.values():
            entries.sort(key=lambda e: -len(e.prefix))
        self._cache: dict[tuple[int, str], RateCardEntry | None] = {}

    def entry(self, connection_id: int, to: str) -> RateCardEntry | None:
        digits = to.lstrip("+")
        entries = self.entries.get(connection_id)
        if not entries:
            return None
        key = (connection_id, digits[: len(entries[0].prefix)])
        if key not in self._cache:
            self._cache[key] = next((e for e in entries if digits.startswith(e.prefix)), None)
        return self._cache[key]

    def cost(self, connection_id: int, to: str, units: int = 1) -> Decimal | None:
        """Price x units for a message to ``to`` on the connection; None when unpriced."""
        entry = self.entry(connection_id, to)
        return None if entry is None else entry.price * max(units, 1)


def cost_for(connection, channel: str, to: str, units: int = 1) -> Decimal | None:
    """What ``connection`` charges for one message to ``to`` of ``units`` billable units
    (SMS segments, 30 s pulses or minutes, as its rate card entry says); None when its
    rate card has no entry for that destination. The provider's own figure, where its API
    returns one with the send (SendResult.cost), replaces this once the message is sent."""
    connection_id = connection if isinstance(connection, int) else connection.pk
    return RateBook([connection_id], channel).cost(connection_id, to, units)


@dataclass
class RateImport:
    """The result of a rate card upload: rows saved (created or updated) and, per rejected
    row, its line number (1 = the header) and why."""

    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def import_rate_card(connection, text: str, *, replace: bool = False) -> RateImport:
    """Load a CSV rate card into ``connection``. Columns (header required, any order):
    channel, prefix, price, and optionally unit (segment | pulse30 | minute | message,
    default segment) and currency (ISO code, default the account's). A prefix is E.164
    digits without "+" (empty: every destination). Valid rows are saved (an existing
    channel+prefix is updated); invalid ones are reported, not saved. ``replace`` deletes the
    connection's entries not in the file (only when no row was rejected)."""
    result = RateImport()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in ("channel", "prefix", "price") if c not in header]
    if missing:
        result.errors.append((1, f"The header must name the columns channel, prefix and price (missing: {', '.join(missing)})."))
        return result
    currency = (connection.account.currency or "USD")[:3]
    rows: dict[tuple[str, str], tuple[Decimal, str, str]] = {}
    for line, raw in enumerate(reader, start=2):
        if line > MAX_ROWS + 1:
            result.errors.append((line, f"At most {MAX_ROWS:,} rows per file."))
            break
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        problem, parsed = _parse_row(row, currency)
        if problem:
            result.errors.append((line, problem))
        elif parsed[:2] in rows:
            result.errors.append((line, f"Channel {parsed[0]} and prefix {parsed[1] or '(every destination)'} appear twice."))
        else:
            rows[parsed[:2]] = parsed[2:]
    with transaction.atomic():
        existing = {(e.channel, e.prefix): e for e in RateCardEntry.objects.filter(connection=connection)}
        for (channel, prefix), (price, unit, cur) in rows.items():
            entry = existing.get((channel, prefix))
            if entry is None:
                RateCardEntry.objects.create(connection=connection, channel=channel, prefix=prefix, price=price, unit=unit, currency=cur)
                result.created += 1
            else:
                entry.price, entry.unit, entry.currency = price, unit, cur
                entry.save(update_fields=["price", "unit", "currency", "updated_at"])
                result.updated += 1
        removed = 0
        if replace and not result.errors:
            stale = [e.pk for key, e in existing.items() if key not in rows]
            removed, _ = RateCardEntry.objects.filter(pk__in=stale).delete()
        changes = {"created": result.created, "updated": result.updated, "removed": removed, "rejected_rows": len(result.errors)}
        audit.record("rate_card.uploaded", account=connection.account, target=connection, changes=changes)
    return result


def _parse_row(row: dict[str, str], currency: str) -> tuple[str, tuple]:
    channel = row.get("channel", "").lower()
    if channel not in CHANNELS:
        return f"Unknown channel {channel!r} (one of {', '.join(sorted(CHANNELS))}).", ()
    prefix = row.get("prefix", "").lstrip("+").replace(" ", "")
    if prefix and (not prefix.isdigit() or len(prefix) > 15):
        return f"The prefix {row.get('prefix')!r} is not digits of an international number.", ()
    try:
        price = Decimal(row.get("price", "").replace(",", "."))
    except InvalidOperation:
        return f"The price {row.get('price')!r} is not a number.", ()
    if not price.is_finite() or price < 0 or price >= Decimal("10000000"):
        return f"The price {row.get('price')!r} is not a price.", ()
    if price != price.quantize(Decimal("0.00001")):
        return "A price has at most 5 decimal places.", ()
    unit = (row.get("unit") or RateCardEntry.Unit.SEGMENT).lower()
    if unit not in UNITS:
        return f"Unknown unit {unit!r} (one of {', '.join(sorted(UNITS))}).", ()
    cur = (row.get("currency") or currency).upper()
    if len(cur) != 3 or not cur.isalpha():
        return f"The currency {row.get('currency')!r} is not a 3-letter code.", ()
    return "", (channel, prefix, price, unit, cur)
