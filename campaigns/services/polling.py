"""Status polling for providers that push no delivery reports but answer for a whole batch
(VavaSMS: status by lot id). One request per batch, not per message; each batch is asked
again later and later as it ages, and no more once every message in it is final."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from campaigns.models import BatchPoll
from campaigns.services.reports import apply_updates
from providers.base import MessageStatus as S
from providers.base import ProviderException, SendResult

log = logging.getLogger(__name__)

FINAL = {S.DELIVERED, S.UNDELIVERED, S.EXPIRED, S.REJECTED, S.FAILED}
LONGEST_WAIT = timedelta(hours=1)
GIVE_UP_AFTER = timedelta(days=3)


def first_wait() -> timedelta:
    return timedelta(seconds=getattr(settings, "ENGINE_POLL_AFTER_SECONDS", 30))


def wait_after(polls: int) -> timedelta:
    """30 s, 1 min, 2 min, 4 min... at most an hour between two questions about one batch."""
    return min(first_wait() * (2 ** min(polls, 16)), LONGEST_WAIT)


def remember_batches(backend, results: Sequence[SendResult]) -> int:
    """After a send: the batches to poll (only for backends that poll by batch)."""
    if not getattr(backend, "batch_status_query", False):
        return 0
    batches = {r.extra.get("batch_id") for r in results if r.status == S.SUBMITTED and r.extra.get("batch_id")}
    due = timezone.now() + first_wait()
    rows = [BatchPoll(connection_id=backend.config.id, batch_id=str(b)[:80], next_poll_at=due) for b in batches]
    BatchPoll.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def poll_batches(limit: int = 200, now=None) -> int:
    """Ask about the due batches; returns how many status updates were applied."""
    from providers.registry import backend_for

    now = now or timezone.now()
    due = list(BatchPoll.objects.filter(done=False, next_poll_at__lte=now).select_related("connection").order_by("next_poll_at")[:limit])
    backends: dict[int, object] = {}
    stopped: set[int] = set()
    applied = 0
    for poll in due:
        conn = poll.connection
        if conn.pk in stopped:
            continue
        backend = backends.get(conn.pk) or backends.setdefault(conn.pk, backend_for(conn))
        try:
            updates = backend.query_batch(poll.batch_id)
        except ProviderException as exc:
            log.warning("batch status query failed on connection %s: %s", conn.pk, exc.error.message)
            stopped.add(conn.pk)  # the provider refuses now: its other batches wait for the next tick
            _reschedule(poll, now, done=now - poll.created_at > GIVE_UP_AFTER)
            continue
        finally:
            backend.http.flush()
        applied += apply_updates(conn.pk, conn.account_id, [u for u in updates if u.status != S.UNKNOWN]).count("applied")
        final = bool(updates) and all(u.status in FINAL for u in updates)
        _reschedule(poll, now, done=final or now - poll.created_at > GIVE_UP_AFTER)
    return applied


def _reschedule(poll: BatchPoll, now, *, done: bool) -> None:
    BatchPoll.objects.filter(pk=poll.pk).update(polls=poll.polls + 1, next_poll_at=now + wait_after(poll.polls + 1), done=done)
