"""The one way message statuses change: a conditional UPDATE along the status machine
(campaigns/status.py MAY_BECOME), with the count deltas written in the same transaction.

Callers pass the ids they want to move; only the rows whose current status may become the
new one change, so a late or duplicate report changes nothing."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

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


@dataclass(frozen=True)
class Changed:
    """A message that moved, with what it was before."""

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
) -> list[Changed]:
    """Move the messages ``ids`` to ``new_status`` where the status machine allows it.

    ``fields`` are set on every changed row, ``per_message[id]`` on that row only (one
    executemany). Must run inside ``transaction.atomic()`` together with whatever else
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
    record_deltas(transition_deltas(((r.account_id, r.campaign_id, r.old_status) for r in rows), new_status))
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


def error_fields(error) -> dict[str, str]:
    """Message fields for a ProviderError (or an empty error)."""
    if error is None:
        return {}
    return {"error_code": str(error.code)[:30], "error_raw": (error.raw_code or "")[:60], "error_message": (error.message or "")[:300]}
