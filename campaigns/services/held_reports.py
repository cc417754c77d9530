"""Status reports that found no message yet are held, never dropped.

A report can overtake its own submission (the provider posts the delivery report before
our send call has returned and recorded the provider's id), or belong to a message whose
id was never recorded because the worker died during the call (the message is `unknown`).
Such a report is kept as a HeldReport and matched again:

- when a chunk's provider ids are recorded (``rematch_recorded``, right after the commit),
- by the intake's apply loop and the periodic tick (``retry_held``), which also
- adopts it: a report that names its destination is applied to the one `unknown` message
  of that connection and destination, queued within ADOPT_WINDOW before the report, whose
  provider id was never recorded; never when two messages (or two provider ids) qualify.

Applying goes through ``reports.apply_updates`` (a conditional status move), inside the
transaction that deletes the held row, so a report is applied exactly once."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db import connection as db_connection
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from campaigns.models import Message
from providers.base import ErrorClass, ErrorCode, ProviderError, StatusUpdate
from providers.base import MessageStatus as S
from providers.models import HeldReport, WebhookEvent

log = logging.getLogger(__name__)

HOLD_FOR = timedelta(days=3)  # then the report is given up as unknown_message
RECENT = timedelta(minutes=10)  # the apply loop retries these every few seconds; older ones each tick
ADOPT_WINDOW = timedelta(hours=24)
RETRY_BATCH = 2000


# --- keeping ---------------------------------------------------------------------------


def update_to_data(update: StatusUpdate) -> dict:
    error = update.error
    return {
        "status": str(update.status),
        "provider_message_id": update.provider_message_id,
        "message_id": update.message_id if _fits_bigint(update.message_id) else None,
        "error": [str(error.code), str(error.error_class), error.raw_code, error.message] if error else None,
        "raw_status": update.raw_status,
        "occurred_at": update.occurred_at.isoformat() if update.occurred_at else None,
        "network": update.network,
        "call_outcome": update.call_outcome,
        "dtmf": update.dtmf,
        "duration_seconds": update.duration_seconds,
        "to": update.to,
    }


def update_from_data(data: dict) -> StatusUpdate:
    error = data.get("error")
    occurred = data.get("occurred_at")
    return StatusUpdate(
        status=S(data["status"]),
        provider_message_id=data.get("provider_message_id") or "",
        message_id=data.get("message_id"),
        error=ProviderError(ErrorCode(error[0]), ErrorClass(error[1]), error[2], error[3]) if error else None,
        raw_status=data.get("raw_status") or "",
        occurred_at=parse_datetime(occurred) if occurred else None,
        network=data.get("network") or "",
        call_outcome=data.get("call_outcome") or "",
        dtmf=data.get("dtmf") or "",
        duration_seconds=data.get("duration_seconds"),
        to=data.get("to") or "",
    )


def _fits_bigint(value) -> bool:
    return isinstance(value, int) and 0 < value < 2**63


def hold(connection_id: int, updates: Sequence[StatusUpdate], event_ids: Sequence[int | None] | None = None) -> int:
    """Keep reports that matched no message (inside the caller's transaction)."""
    if not updates:
        return 0
    now = timezone.now()
    event_ids = event_ids or [None] * len(updates)
    HeldReport.objects.bulk_create(
        [
            HeldReport(
                connection_id=connection_id,
                event_id=event_id,
                provider_message_id=(u.provider_message_id or "")[:80],
                to=destination(u.to),
                update=update_to_data(u),
                received_at=now,
            )
            for u, event_id in zip(updates, event_ids, strict=True)
        ]
    )
    return len(updates)


def destination(value: str) -> str:
    """A report's destination in our E.164 form ("+" and digits), or ""."""
    digits = "".join(ch for ch in (value or "") if ch.isdigit())
    return f"+{digits}"[:20] if digits else ""


# --- matching again --------------------------------------------------------------------


def rematch_recorded(connection_id: int, provider_ids: Sequence[str]) -> int:
    """Right after a chunk's provider ids were committed: apply the reports held for them.
    One indexed EXISTS when nothing is held (the usual case)."""
    if not provider_ids or not HeldReport.objects.filter(connection_id=connection_id).exists():
        return 0
    held = HeldReport.objects.filter(connection_id=connection_id, provider_message_id__in=[p for p in provider_ids if p])
    return _apply_held(list(held.values_list("pk", flat=True)))


def retry_held(*, recent_only: bool = False, now: datetime | None = None) -> int:
    """Match held reports again (by id, then by adoption) and give up the expired ones.
    The intake's apply loop passes ``recent_only``; the tick looks at all of them."""
    now = now or timezone.now()
    expire_held(now)
    qs = HeldReport.objects.all()
    if recent_only:
        qs = qs.filter(received_at__gte=now - RECENT)
    ids = list(qs.order_by("received_at").values_list("pk", flat=True)[:RETRY_BATCH])
    return _apply_held(ids, adopt=True)


def _apply_held(ids: list[int], *, adopt: bool = False) -> int:
    from campaigns.services.reports import UNKNOWN, apply_updates

    if not ids:
        return 0
    applied = 0
    with transaction.atomic():
        rows = _lock(ids)
        by_connection: dict[tuple[int, int], list[HeldReport]] = defaultdict(list)
        for row in rows:
            by_connection[(row.connection_id, row.connection.account_id)].append(row)
        done: list[HeldReport] = []
        for (connection_id, account_id), held in by_connection.items():
            updates = [update_from_data(h.update) for h in held]
            outcomes = apply_updates(connection_id, account_id, updates)
            waiting = [(h, u) for h, u, o in zip(held, updates, outcomes, strict=True) if o == UNKNOWN]
            done += [h for h, o in zip(held, outcomes, strict=True) if o != UNKNOWN]
            applied += sum(1 for o in outcomes if o == "applied")
            if adopt and waiting:
                adopted = _adopt(connection_id, account_id, waiting)
                done += adopted
                applied += len(adopted)
        _finish(done, [r for r in rows if r not in done])
    return applied


def _lock(ids: list[int]) -> list[HeldReport]:
    qs = HeldReport.objects.filter(pk__in=ids).select_related("connection").order_by("pk")
    if db_connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True, of=("self",))  # two appliers never take the same report
    return list(qs)


def _finish(done: list[HeldReport], waiting: list[HeldReport]) -> None:
    if done:
        HeldReport.objects.filter(pk__in=[h.pk for h in done]).delete()
        events = {h.event_id for h in done if h.event_id}
        _settle_events(events, WebhookEvent.Outcome.APPLIED, "applied after its message was recorded")
    if waiting:
        from django.db.models import F

        HeldReport.objects.filter(pk__in=[h.pk for h in waiting]).update(tries=F("tries") + 1)


def _settle_events(event_ids: set[int], outcome: str, detail: str) -> None:
    """Events whose every held report is settled take ``outcome``."""
    if not event_ids:
        return
    still = set(HeldReport.objects.filter(event_id__in=event_ids).values_list("event_id", flat=True))
    ready = event_ids - still
    if ready:
        WebhookEvent.objects.filter(pk__in=ready, outcome=WebhookEvent.Outcome.HELD).update(outcome=outcome, detail=detail)


def expire_held(now: datetime | None = None) -> int:
    """Reports held longer than HOLD_FOR are given up: their events say unknown_message."""
    cutoff = (now or timezone.now()) - HOLD_FOR
    old = list(HeldReport.objects.filter(received_at__lt=cutoff).values_list("pk", "event_id")[:RETRY_BATCH])
    if not old:
        return 0
    with transaction.atomic():
        HeldReport.objects.filter(pk__in=[pk for pk, _ in old]).delete()
        _settle_events({e for _, e in old if e}, WebhookEvent.Outcome.UNKNOWN_MESSAGE, "no message matched this report")
    return len(old)


# --- adoption --------------------------------------------------------------------------


def _adopt(connection_id: int, account_id: int, waiting: list[tuple[HeldReport, StatusUpdate]]) -> list[HeldReport]:
    """Apply reports to the single `unknown` message without a provider id that was
    queued to their destination on their connection within the window. A destination
    with reports under two provider ids, or two such messages, adopts nothing."""
    from campaigns.services.reports import APPLIED, apply_updates

    by_to: dict[str, list[tuple[HeldReport, StatusUpdate]]] = defaultdict(list)
    for h, u in waiting:
        if h.to and h.provider_message_id:
            by_to[h.to].append((h, u))
    adopted: list[HeldReport] = []
    for to, items in by_to.items():
        if len({h.provider_message_id for h, _ in items}) != 1:
            continue
        earliest = min(h.received_at for h, _ in items)
        candidates = list(
            Message.objects.filter(
                connection_id=connection_id,
                to=to,
                status=S.UNKNOWN,
                provider_message_id="",
                queued_at__gte=earliest - ADOPT_WINDOW,
                queued_at__lte=earliest,
            ).values_list("pk", flat=True)[:2]
        )
        if len(candidates) != 1:
            continue
        pid = items[0][0].provider_message_id
        # Record the provider id first: every report of this message then matches by it.
        Message.objects.filter(pk=candidates[0], status=S.UNKNOWN, provider_message_id="").update(provider_message_id=pid)
        updates = [u for _, u in items]
        outcomes = apply_updates(connection_id, account_id, updates)
        if any(o == APPLIED for o in outcomes) or all(o != "unknown_message" for o in outcomes):
            adopted += [h for h, _ in items]
            log.info("adopted %d report(s) of %s for message %s", len(items), pid, candidates[0])
    return adopted
