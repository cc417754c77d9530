"""The one way message statuses change: a conditional UPDATE along the status machine
(campaigns/status.py MAY_BECOME), with the count deltas written in the same transaction.

Callers pass the ids they want to move; only the rows whose current status may become the
new one change, so a late or duplicate report changes nothing."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.utils import timezone

from campaigns.models import Message
from campaigns.services.counts import record_deltas, transition_deltas
from campaigns.status import MAY_BECOME
from providers.base import MessageStatus as S

# Timestamp field stamped when a message reaches a status.
STAMP = {
    S.QUEUED: "queued_at",
    S.SUBMITTED: "submitted_at",
    S.SENT: "sent_at",
    S.DELIVERED: "delivered_at",
    S.FAILED: "failed_at",
    S.UNDELIVERED: "failed_at",
    S.EXPIRED: "failed_at",
    S.REJECTED: "failed_at",
}
ROW_FIELDS = ("id", "account_id", "campaign_id", "subaccount_id", "status", "to", "channel", "segments", "price", "cost", "connection_id")


class Changed(NamedTuple):
    """A message that moved, with what it was before (a tuple: thousands are made per chunk)."""

    id: int
    account_id: int
    campaign_id: int | None
    subaccount_id: int | None
    old_status: str
    to: str
    channel: str
    segments: int
    price: Any
    cost: Any
    connection_id: int


def locked_rows(ids: Sequence[int], allowed: Iterable[str], *, skip_locked: bool = False) -> list[Changed]:
    """The rows among ``ids`` whose status is in ``allowed``, locked until commit
    (PostgreSQL row locks; SQLite's IMMEDIATE transactions already serialize writers)."""
    qs = Message.objects.filter(pk__in=list(ids), status__in=list(allowed)).order_by("pk")  # one lock order: no deadlocks
    if connection.features.has_select_for_update:
        qs = qs.select_for_update(skip_locked=skip_locked and connection.features.has_select_for_update_skip_locked)
    return [Changed(*row) for row in qs.values_list(*ROW_FIELDS)]


def apply_status(
    ids: Sequence[int],
    new_status: str,
    *,
    fields: dict[str, Any] | None = None,
    per_message: dict[int, dict[str, Any]] | None = None,
    allowed: Iterable[str] | None = None,
    not_sent: bool = False,
) -> list[Changed]:
    """Move the messages ``ids`` to ``new_status`` where the status machine allows it.

    ``fields`` are set on every changed row, ``per_message[id]`` on that row only (one
    executemany). ``not_sent`` marks the move as one of messages a provider never received
    (their count rows say so: they are in no rate). Must run inside ``transaction.atomic()`` together with whatever else
    belongs to the change (ledger); returns the rows that changed."""
    if not ids:
        return []
    allowed = MAY_BECOME[new_status] if allowed is None else allowed
    rows = locked_rows(ids, allowed)
    if not rows:
        return []
    now = timezone.now()
    common = {"status": new_status, "updated_at": now, **(fields or {})}
    stamp = STAMP.get(new_status)
    if stamp and stamp not in common:
        common[stamp] = now
    changed_ids = [r.id for r in rows]
    for start in range(0, len(changed_ids), 5000):
        Message.objects.filter(pk__in=changed_ids[start : start + 5000]).update(**common)
    if per_message:
        update_each(per_message, only=set(changed_ids))
    deltas = transition_deltas(((r.account_id, r.campaign_id, r.old_status) for r in rows), new_status)
    record_deltas(deltas, not_sent=new_status if not_sent else None)
    return rows


def update_each(values: dict[int, dict[str, Any]], only: set[int] | None = None) -> None:
    """Per-message field values in one executemany per set of field names."""
    groups: dict[tuple[str, ...], list[tuple]] = {}
    for pk, data in values.items():
        if only is not None and pk not in only:
            continue
        names = tuple(sorted(data))
        if names:
            groups.setdefault(names, []).append((*(data[n] for n in names), pk))
    if not groups:
        return
    table = connection.ops.quote_name(Message._meta.db_table)
    with connection.cursor() as cursor:
        for names, params in groups.items():
            cols = ", ".join(f"{connection.ops.quote_name(Message._meta.get_field(n).column)} = %s" for n in names)
            prepared = [(*(_adapt(Message, n, v) for n, v in zip(names, p[:-1], strict=True)), p[-1]) for p in params]
            cursor.executemany(f"UPDATE {table} SET {cols} WHERE id = %s", prepared)


def _adapt(model, name: str, value: Any) -> Any:
    field = model._meta.get_field(name)
    return field.get_db_prep_save(value, connection)


def release_claims(ids: Sequence[int], *, next_attempt_at=None, count_attempt: bool = True, error: dict | None = None) -> int:
    """Give claimed (queued) messages back to pending: only the claimer calls this, for
    messages the provider certainly did not accept (a retryable refusal, a pause before
    the call). The single backwards step of the machine, hence its own function."""
    from django.db.models import F

    if not ids:
        return 0
    with transaction.atomic():
        rows = locked_rows(ids, [S.QUEUED])
        if not rows:
            return 0
        update: dict[str, Any] = {"status": S.PENDING, "next_attempt_at": next_attempt_at, "queued_at": None, "updated_at": timezone.now()}
        if count_attempt:
            update["attempts"] = F("attempts") + 1
        if error:
            update.update(error)
        Message.objects.filter(pk__in=[r.id for r in rows]).update(**update)
        record_deltas(transition_deltas(((r.account_id, r.campaign_id, S.QUEUED) for r in rows), S.PENDING))
    return len(rows)


def claim(ids: Sequence[int]) -> list[int]:
    """Compare-and-set pending -> queued: only the ids this caller won come back."""
    if not ids:
        return []
    now = timezone.now()
    with transaction.atomic():
        qs = Message.objects.filter(pk__in=list(ids), status=S.PENDING).order_by("pk")
        if connection.features.has_select_for_update:
            qs = qs.select_for_update(skip_locked=connection.features.has_select_for_update_skip_locked)
        rows = list(qs.values_list("id", "account_id", "campaign_id"))
        if not rows:
            return []
        won = [r[0] for r in rows]
        Message.objects.filter(pk__in=won, status=S.PENDING).update(status=S.QUEUED, queued_at=now, updated_at=now)
        record_deltas(transition_deltas(((a, c, S.PENDING) for _, a, c in rows), S.QUEUED))
    return won


def unclaim(ids: Sequence[int]) -> int:
    """queued -> pending for claimed messages that were never handed to a provider (a worker
    that is stopping gives them back for the next run). The one backward step: it is only
    safe before the provider call, which is why nothing else uses it."""
    if not ids:
        return 0
    with transaction.atomic():
        rows = list(Message.objects.filter(pk__in=list(ids), status=S.QUEUED).values_list("id", "account_id", "campaign_id"))
        if not rows:
            return 0
        Message.objects.filter(pk__in=[r[0] for r in rows], status=S.QUEUED).update(
            status=S.PENDING, queued_at=None, updated_at=timezone.now()
        )
        record_deltas(transition_deltas(((a, c, S.QUEUED) for _, a, c in rows), S.PENDING))
    return len(rows)


def error_fields(error) -> dict[str, str]:
    """Message fields for a ProviderError (or an empty error)."""
    if error is None:
        return {}
    return {"error_code": str(error.code)[:30], "error_raw": (error.raw_code or "")[:60], "error_message": (error.message or "")[:300]}


# --- the pipeline's hot path: one campaign's id range, raw SQL --------------------------
# The ORM spends ~40 us per message turning 1,000-id IN lists into SQL; a campaign's chunk
# is an id range of one campaign, so these statements select by range and bind a handful
# of parameters whatever the chunk's size.

CLAIM_COLUMNS = (
    "id",
    "account_id",
    "subaccount_id",
    "to",
    "channel",
    "sender",
    "text",
    "encoding",
    "segments",
    "flash",
    "payload",
    "price",
    "connection_id",
)


class ClaimedRow(NamedTuple):
    id: int
    account_id: int
    subaccount_id: int | None
    to: str
    channel: str
    sender: str
    text: str
    encoding: str
    segments: int
    flash: bool
    payload: dict
    price: Decimal
    connection_id: int


@dataclass(frozen=True)
class Claim:
    """What one claim won: the rows (by id) and the queued_at stamp they carry."""

    campaign_id: int
    at: Any
    rows: list[ClaimedRow]

    @property
    def ids(self) -> list[int]:
        return [r.id for r in self.rows]


def claim_range(campaign_id: int, lo: int, hi: int, limit: int, *, connection_id: int | None = None) -> Claim:
    """Compare-and-set pending -> queued for the first ``limit`` due pending messages of
    the campaign with ids in [lo, hi] (on ``connection_id`` only, when given), in one
    UPDATE ... RETURNING."""
    at = connection.ops.adapt_datetimefield_value(timezone.now())
    on = [] if connection_id is None else [connection_id]
    sql, params = _claim_sql(bool(on)), [campaign_id, lo, hi, S.PENDING, *on, at, limit, S.QUEUED, at, at, S.PENDING]
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            won = cursor.fetchall()
        if won:
            account_id = won[0][CLAIM_COLUMNS.index("account_id")]
            record_deltas(Counter({(account_id, campaign_id, S.PENDING): -len(won), (account_id, campaign_id, S.QUEUED): len(won)}))
    # Parsed after the commit: on SQLite the write lock is everyone's, and this is Python work.
    payloads: dict = {}
    rows = sorted((claimed_row(r, payloads) for r in won), key=lambda r: r.id)
    return Claim(campaign_id, at, rows)


def _claim_sql(per_connection: bool = False) -> str:
    table, q = _table(), connection.ops.quote_name
    on = " AND connection_id = %s" if per_connection else ""
    pick = (
        f"SELECT id FROM {table} WHERE campaign_id = %s AND id >= %s AND id <= %s AND status = %s{on}"
        " AND (next_attempt_at IS NULL OR next_attempt_at <= %s) ORDER BY id LIMIT %s"
    )
    returning = ", ".join(f"{table}.{q(c)}" for c in CLAIM_COLUMNS)
    if connection.vendor == "postgresql":
        # Not "WHERE id IN (subquery)": PostgreSQL may run that subquery more than once and
        # so update more rows than its LIMIT. A materialized CTE picks (and locks) once.
        return (
            f"WITH picked AS MATERIALIZED ({pick} FOR UPDATE SKIP LOCKED) UPDATE {table} SET status = %s, queued_at = %s,"
            f" updated_at = %s FROM picked WHERE {table}.id = picked.id AND {table}.status = %s RETURNING {returning}"
        )
    # SQLite: the IMMEDIATE transaction already makes this the only writer.
    return (
        f"WITH picked AS ({pick}) UPDATE {table} SET status = %s, queued_at = %s, updated_at = %s"
        f" WHERE id IN (SELECT id FROM picked) AND status = %s RETURNING {returning}"
    )


def claimed_row(row: tuple, payloads: dict) -> ClaimedRow:
    """A row of CLAIM_COLUMNS as a ClaimedRow (``payloads`` memoizes parsed JSON texts)."""
    pk, account_id, subaccount_id, to, channel, sender, text, encoding, segments, flash, payload, price, connection_id = row
    if isinstance(payload, str | bytes):  # SQLite and psycopg hand JSON over as text; equal texts share one (read-only) dict
        parsed = payloads.get(payload)
        if parsed is None:
            parsed = payloads[payload] = json.loads(payload) or {}
        payload = parsed
    if not isinstance(price, Decimal):
        price = Decimal(str(price))
    return ClaimedRow(
        pk, account_id, subaccount_id, to, channel, sender, text, encoding, segments, bool(flash), payload or {}, price, connection_id
    )


def still_claimed(claim: Claim) -> set[int]:
    """The claim's ids still queued under its stamp, locked until commit (call inside the
    transaction that moves them)."""
    if not claim.rows:
        return set()
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    sql = f"SELECT id FROM {_table()} WHERE campaign_id = %s AND id >= %s AND id <= %s AND status = %s AND queued_at = %s ORDER BY id{lock}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [claim.campaign_id, claim.rows[0].id, claim.rows[-1].id, S.QUEUED, claim.at])
        found = {r[0] for r in cursor.fetchall()}
    return found & set(claim.ids)


def mark_submitted(claim: Claim, items: list[tuple[int, str, str]], *, charge: bool) -> set[int]:
    """queued -> submitted for ``items`` of (id, provider message id, network) whose
    messages are still under ``claim`` (queued with its stamp), in one statement that
    returns the ids it moved: the check and the move were a locking SELECT and an UPDATE.
    With ``charge``, cost = price x segments."""
    if not items:
        return set()
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    cost = ", cost = price * segments" if charge else ""
    table = _table()
    if connection.vendor == "postgresql":
        # The values travel as three arrays (array_sql).
        from campaigns.services.pg_insert import array_sql

        columns = [
            array_sql(list(column), db_type) for column, db_type in zip(zip(*items, strict=True), ("bigint", "text", "text"), strict=True)
        ]
        sql = (
            f"UPDATE {table} SET status = %s, submitted_at = %s, updated_at = %s, provider_message_id = v.pid, network = v.net{cost}"
            f" FROM unnest({', '.join(sql for sql, _ in columns)}) AS v(mid, pid, net)"
            f" WHERE {table}.id = v.mid AND {table}.status = %s AND {table}.queued_at = %s RETURNING {table}.id"
        )
        params = [S.SUBMITTED, now, now, *(param for _, param in columns), S.QUEUED, claim.at]
    elif connection.vendor == "sqlite":
        # The chunk as one JSON array read by json_each: 0.78 s per 100k rows against 0.89 s
        # for an executemany binding seven values per row, under the single writer's lock.
        sql = (
            f"UPDATE {table} SET status = %s, submitted_at = %s, updated_at = %s, provider_message_id = v.pid, network = v.net{cost}"
            " FROM (SELECT json_extract(value, '$[0]') AS mid, json_extract(value, '$[1]') AS pid, json_extract(value, '$[2]') AS net"
            f" FROM json_each(%s)) AS v WHERE {table}.id = v.mid AND {table}.status = %s AND {table}.queued_at = %s RETURNING {table}.id"
        )
        params = [S.SUBMITTED, now, now, json.dumps(items, ensure_ascii=False), S.QUEUED, claim.at]
    else:
        return _mark_submitted_each(claim, items, now, cost)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        moved = {row[0] for row in cursor.fetchall()}
    _count_submitted(claim, len(moved))
    return moved


def _mark_submitted_each(claim: Claim, items: list[tuple[int, str, str]], now, cost: str) -> set[int]:
    held = still_claimed(claim)
    mine = [(pk, pid, network) for pk, pid, network in items if pk in held]
    sql = f"UPDATE {_table()} SET status = %s, submitted_at = %s, updated_at = %s, provider_message_id = %s, network = %s{cost} WHERE id = %s AND status = %s"
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(S.SUBMITTED, now, now, pid, network, pk, S.QUEUED) for pk, pid, network in mine])
    _count_submitted(claim, len(mine))
    return {pk for pk, _, _ in mine}


def _count_submitted(claim: Claim, moved: int) -> None:
    if moved:
        account_id = claim.rows[0].account_id
        record_deltas(Counter({(account_id, claim.campaign_id, S.QUEUED): -moved, (account_id, claim.campaign_id, S.SUBMITTED): moved}))


def _table() -> str:
    return connection.ops.quote_name(Message._meta.db_table)
