"""The send pipeline: start (materialize the audience as pending messages), batch tasks
(claim, check, pace, send, record) and completion.

Task payloads carry ids or id ranges, never bodies. Nothing is claimed by two workers
(compare-and-set pending -> queued); a claimed message is sent at most once: after a
crash its fate is `unknown`, never a second submission."""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Sequence
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import F, Min, Q
from django.utils import timezone

from campaigns.models import Campaign, Message
from campaigns.services import ab_tests, clock, ledger, materialize_claim, routing, shutdown
from campaigns.services.counts import campaign_counts
from campaigns.services.materialize import materialize
from campaigns.services.outcomes import count_stats, emit_status_events, prepare_record, record_results, release_rows
from campaigns.services.pacing import campaign_key, connection_key, wait_for_slot
from campaigns.services.polling import remember_batches
from campaigns.services.provider_schedule import provider_send_at
from campaigns.services.routing import batches as routing_batches
from campaigns.services.send_rules.quiet_gate import QuietGate
from campaigns.services.transitions import (
    CLAIM_COLUMNS,
    Claim,
    ClaimedRow,
    apply_status,
    claim,
    claim_range,
    claimed_row,
    unclaim,
)
from campaigns.services.windows import next_window_start
from campaigns.status import UNSENT_EXPIRY_CODE
from providers.base import Channel, ErrorClass, ErrorCode, OutboundMessage, ProviderError, SendResult
from providers.base import MessageStatus as S
from providers.registry import backend_for

log = logging.getLogger(__name__)

CREATE_BATCH = 2000
TASK_SPAN = 2000  # messages one batch task covers
TASK_BUDGET = 240.0  # seconds a batch task runs before handing its rest to a new task
# Rounds of a single-message connection's concurrent calls per chunk. Measured with VT
# (concurrency 8, SQLite, 3,000 recipients): 1 round ratio 0.44 of the ceiling, 4 rounds
# 0.71, 12 rounds (the old 96) 0.79: 4 keeps in flight a third of what it was for ~10%.
SINGLE_CHUNK_ROUNDS = 4
RETRY_WAIT_IN_TASK = 20.0  # a task waits for retries due this soon instead of leaving them
NOTHING_DUE = object()  # a range with no due message left (next_chunk moves on)
LAST_ID = 2**63 - 1


def upper_bound(hi: int | None) -> int:
    return LAST_ID if hi is None else hi


# --- start ---------------------------------------------------------------------


def start_campaign(campaign_id: int, *, recover: bool = False) -> int:
    """scheduled -> running, materialize the audience, enqueue the batches. With
    ``recover``, finish the materialization of a running campaign whose start task died."""
    now = timezone.now()
    if recover:
        campaign = Campaign.objects.filter(pk=campaign_id, status=Campaign.Status.RUNNING).first()
        if campaign is None:
            return 0
    else:
        if not Campaign.objects.filter(pk=campaign_id, status=Campaign.Status.SCHEDULED).update(
            status=Campaign.Status.RUNNING, started_at=now, status_reason=""
        ):
            return 0
        campaign = Campaign.objects.get(pk=campaign_id)
    span = task_span(campaign)
    created = materialize(
        campaign, enqueue=True, on_page=lambda pk, lo, hi: _enqueue_spans(pk, lo, hi, span), page_in_transaction=_queue_in_database()
    )
    if recover:
        enqueue_batches(campaign, due_only=True)  # what the dead start task created
    maybe_complete(campaign.pk)  # an audience that ended up empty completes at once
    return created


def pause(campaign_id: int, reason: str) -> bool:
    return bool(
        Campaign.objects.filter(pk=campaign_id, status__in=[Campaign.Status.RUNNING, Campaign.Status.SCHEDULED]).update(
            status=Campaign.Status.PAUSED, status_reason=reason[:300]
        )
    )


def auto_pause(campaign_id: int, reason: str, *, account_level: bool = False) -> bool:
    """The engine pauses a campaign and tells the people concerned (once: only the call
    that moved the row notifies). ``account_level``: the provider refused the account."""
    if not pause(campaign_id, reason):
        return False
    try:
        from campaigns.services import notifications

        campaign = Campaign.objects.select_related("connection").get(pk=campaign_id)
        notifications.campaign_auto_paused(campaign, campaign.status_reason, account_level=account_level)
    except Exception:
        log.exception("could not notify the auto-pause of campaign %s", campaign_id)
    return True


# --- batches --------------------------------------------------------------------


def enqueue_batches(campaign: Campaign, *, due_only: bool = False) -> int:
    """Queue batch tasks over the campaign's pending messages (id ranges). Returns how many."""
    qs = Message.objects.filter(campaign_id=campaign.pk, status=S.PENDING)
    if due_only:
        qs = qs.filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=timezone.now()))
    ids = list(qs.order_by("pk").values_list("pk", flat=True))
    span = task_span(campaign)
    ranges = [(ids[i], ids[min(i + span, len(ids)) - 1]) for i in range(0, len(ids), span)]
    for lo, hi in ranges:
        _enqueue_range(campaign.pk, lo, hi)
    return len(ranges)


def _queue_in_database() -> bool:
    """Whether django-q2's queue is a table of this database (the ORM broker, run by a
    cluster): a page's batch task is then queued in the page's own transaction, visible
    with it, for one turn at SQLite's single writer instead of two. On Redis the task
    could run before the page commits, so it is queued after."""
    from django.db import DEFAULT_DB_ALIAS
    from django_q.conf import Conf

    return Conf.ORM == DEFAULT_DB_ALIAS and not Conf.SYNC


def _enqueue_spans(campaign_id: int, lo: int, hi: int, span: int) -> None:
    """One batch task per ``span`` ids of a freshly created page: with several clusters,
    each takes some of them."""
    for start in range(lo, hi + 1, span):
        _enqueue_range(campaign_id, start, min(start + span - 1, hi))


def _enqueue_range(campaign_id: int, lo: int, hi: int | None, connection_id: int | None = None) -> None:
    from django_q.tasks import async_task

    # connection_id: the task sends on that connection only (routing spreads a campaign).
    args = (campaign_id, lo, hi) if connection_id is None else (campaign_id, lo, hi, connection_id)
    async_task("campaigns.tasks.run_batch", *args, group=f"campaign-{campaign_id}")


enqueue_range = _enqueue_range


def _bulk_size(connection) -> int:
    try:
        return connection.backend_class().bulk_size
    except Exception:  # an unknown provider slug
        return 1


def task_span(campaign: Campaign) -> int:
    from django.conf import settings

    from portal.env import env_int

    bulk = max((_bulk_size(c) for c in routing.campaign_connections(campaign)), default=1)
    span = getattr(settings, "ENGINE_TASK_SPAN", env_int("ENGINE_TASK_SPAN", TASK_SPAN))
    return max(span, bulk * 2)


def chunk_size(backend, mps: int) -> int:
    """One request's worth for a bulk provider; for a single-message provider, a few
    rounds of what the connection carries at once (its concurrent requests): a worker
    killed mid-call leaves at most that many, plus the chunk being recorded, `unknown`."""
    from portal.env import env_int

    if backend.bulk_size > 1:
        return backend.bulk_size
    size = max(backend.concurrency, 1) * max(env_int("ENGINE_SINGLE_CHUNK_ROUNDS", SINGLE_CHUNK_ROUNDS), 1)  # rounds of concurrent calls
    return max(1, min(size, mps)) if mps else size


def run_batch(campaign_id: int, lo: int, hi: int | None, connection_id: int | None = None) -> int:
    """Send the campaign's pending messages with ids in [lo, hi] (hi None: no upper
    bound), then any the campaign still has beyond hi. Returns how many were
    handed to the provider. The campaign is re-checked before every chunk is sent.

    One chunk's provider call runs in a helper thread while the previous chunk's results
    are recorded, so the database work overlaps the network wait. A chunk is claimed only
    after the previous call returned (claiming it during that call measured 4% faster but
    doubles what a killed worker leaves `unknown`), so a pause stops the very next chunk."""
    from concurrent.futures import ThreadPoolExecutor

    started = time.monotonic()
    campaign = Campaign.objects.select_related("connection", "account").get(pk=campaign_id)
    connection = routing_batches.connection_for_batch(campaign, lo, hi, connection_id)
    if connection is None:  # split into one task per connection, or nothing to send
        maybe_complete(campaign_id)
        return 0
    backend = backend_for(connection)
    rates = [(connection_key(connection.pk), float(connection.mps or 0))]
    if campaign.mps:
        rates.append((campaign_key(campaign.pk), float(campaign.mps)))
    caps = [r for _, r in rates if r > 0]
    size = chunk_size(backend, int(min(caps)) if caps else 0)
    recent: deque[bool] = deque(maxlen=200)
    cursor, sent, wrapped = lo, 0, False
    quiet = QuietGate(campaign)  # recipients inside quiet hours now wait (send_rules/quiet_gate.py)

    # Uncapped and no quiet hours: nothing to look at before a claim, so the claim itself
    # finds the next due messages (one statement a chunk instead of a read and a claim).
    direct = not caps and quiet.quiet is None

    def next_chunk() -> Call | None:
        nonlocal cursor, hi, wrapped
        if shutdown.requested() or not _may_send(campaign):
            return None
        if not routing_batches.may_call(campaign, connection.pk, cursor, hi):
            return None
        while True:
            call = claim_from_cursor() if direct else claim_checked()
            if call is not NOTHING_DUE:
                return call
            if hi is not None:
                # Own range done: drain what later ranges hold before their tasks get a worker
                # (claims are compare-and-set, so those tasks find less, or nothing, to do).
                cursor, hi = max(cursor, hi + 1), None
            elif not wrapped:
                # Then earlier ranges: a task another cluster lost with its worker (kill -9)
                # leaves them pending, and this campaign's heartbeat hides that from the tick.
                cursor, wrapped = 0, True
            else:
                return None

    def over_budget(first_due: int) -> bool:
        """Past the task's budget: the rest (from ``first_due``) goes to a fresh task."""
        if time.monotonic() - started <= TASK_BUDGET:
            return False
        _enqueue_range(campaign_id, first_due, hi, connection.pk)
        return True

    def claim_from_cursor():
        if time.monotonic() - started > TASK_BUDGET:
            due = _next_ids(campaign, cursor, hi, 1, connection.pk)
            if not due:
                return NOTHING_DUE
            return None if over_budget(due[0]) else NOTHING_DUE
        return claim_up_to(upper_bound(hi), size)

    def claim_checked():
        ids = quiet.admit(lambda: _next_ids(campaign, cursor, hi, size, connection.pk))
        if not ids:
            return NOTHING_DUE
        if over_budget(ids[0]) or not _sleep_unless_stopped(campaign_id, wait_for_slot(rates, len(ids))):
            return None
        # Past the ids read, only when no quiet hours apply: others were not checked.
        return claim_up_to(ids[-1] if quiet.quiet is not None else upper_bound(hi), len(ids), first=ids[0], last=ids[-1])

    def claim_up_to(top: int, limit: int, *, first: int | None = None, last: int | None = None):
        """Claim up to ``limit`` due messages from the cursor (or ``first``) to ``top``; a
        claim that finds another worker took the ids read goes on past them, so chunks stay
        full. Direct claims (no ids read first) that win nothing mean nothing is due."""
        nonlocal cursor
        if first is None and not _sleep_unless_stopped(campaign_id, wait_for_slot(rates, limit)):  # a 429's hold
            return None
        call = Call.claim_range(backend, campaign, cursor if first is None else first, top, limit)
        if call.won:
            cursor = call.won[-1] + 1
        elif first is None:
            return NOTHING_DUE
        else:
            cursor = last + 1
        return call

    inflight: Call | None = None  # being sent
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="provider-call") as pool:
        while True:
            if inflight is not None:
                inflight.wait()
            following = next_chunk()
            if following is not None:
                following.send_in(pool)
            if inflight is not None:
                outcome = inflight.finish()
                sent += outcome.attempted
                recent.extend(outcome.flags)
                if outcome.pause_reason or _error_rate_exceeded(recent, campaign):
                    auto_pause(
                        campaign_id,
                        outcome.pause_reason or "Paused automatically: too many recent sends failed.",
                        account_level=bool(outcome.pause_reason),
                    )
                    if following is not None:
                        following.wait()
                        sent += following.finish().attempted
                    break
            inflight = following
            if inflight is None:
                if not shutdown.requested() and _may_send(campaign) and _wait_for_retries(campaign, lo, hi, started, connection.pk):
                    cursor = lo
                    continue
                break
    maybe_complete(campaign_id)
    settle_cancelled(campaign_id)
    return sent


def _next_ids(campaign: Campaign, cursor: int, hi: int | None, size: int, connection_id: int) -> list[int]:
    now = timezone.now()
    qs = Message.objects.filter(campaign_id=campaign.pk, pk__gte=cursor, status=S.PENDING, connection_id=connection_id)
    if hi is not None:
        qs = qs.filter(pk__lte=hi)
    return list(qs.filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)).order_by("pk").values_list("pk", flat=True)[:size])


def _may_send(campaign: Campaign) -> bool:
    """Running, not expired (else expire what is left), inside allowed hours (else defer)."""
    status, expires_at = Campaign.objects.values_list("status", "expires_at").get(pk=campaign.pk)
    if status != Campaign.Status.RUNNING:
        return False
    now = timezone.now()
    if expires_at and now >= expires_at:
        expire_pending(campaign)
        return False
    opens = next_window_start(campaign, now)
    if opens is not None:
        Message.objects.filter(campaign_id=campaign.pk, status=S.PENDING).filter(
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lt=opens)
        ).update(next_attempt_at=opens)
        return False
    return True


def _wait_for_retries(campaign: Campaign, lo: int, hi: int | None, started: float, connection_id: int) -> bool:
    soon = timezone.now() + timedelta(seconds=RETRY_WAIT_IN_TASK)
    qs = Message.objects.filter(
        campaign_id=campaign.pk, pk__gte=lo, status=S.PENDING, next_attempt_at__lte=soon, connection_id=connection_id
    )
    if hi is not None:
        qs = qs.filter(pk__lte=hi)
    due = qs.aggregate(m=Min("next_attempt_at")).get("m")
    if due is None or time.monotonic() - started > TASK_BUDGET:
        return False
    return _sleep_unless_stopped(campaign.pk, max(0.0, (due - timezone.now()).total_seconds()))


def _sleep_unless_stopped(campaign_id: int | None, seconds: float) -> bool:
    """Sleep, checking every second that the campaign still runs; False if it stopped (or
    the worker is stopping)."""
    deadline = time.monotonic() + seconds
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return True
        if shutdown.wait(min(left, 1.0)):
            return False
        if campaign_id and Campaign.objects.filter(pk=campaign_id).values_list("status", flat=True).first() != Campaign.Status.RUNNING:
            return False


def _error_rate_exceeded(recent: deque, campaign: Campaign) -> bool:
    if len(recent) < 20:
        return False
    threshold = float(campaign.account.error_pause_threshold or 0)
    return threshold > 0 and (recent.count(False) / len(recent)) > threshold


def cancel_unsent(campaign: Campaign) -> int:
    """What a cancelled campaign has not handed to a provider ends `cancelled` (not a
    failure); its reservation is released."""
    return _end_pending(campaign, S.CANCELLED, {"error_code": "", "error_message": "Not sent: the campaign was cancelled."})


def expire_pending(campaign: Campaign) -> int:
    """What was not sent by the expiry ends `expired` with that reason (not a failure); its
    reservation is released and the campaign counts it in ``expired_unsent``."""
    fields = {"error_code": UNSENT_EXPIRY_CODE, "error_message": "Not sent before the campaign expired."}
    return _end_pending(campaign, S.EXPIRED, fields, counter="expired_unsent")


def _end_pending(campaign: Campaign, status: str, fields: dict, counter: str = "") -> int:
    total = 0
    while True:
        ids = list(Message.objects.filter(campaign_id=campaign.pk, status=S.PENDING).values_list("pk", flat=True)[:5000])
        if not ids:
            return total
        with transaction.atomic():
            # Only still-pending rows: one claimed meanwhile may be at the provider already.
            rows = apply_status(ids, status, fields=fields, allowed=[S.PENDING], not_sent=status == S.EXPIRED)
            release_rows(rows)
            if counter and rows:
                Campaign.objects.filter(pk=campaign.pk).update(**{counter: F(counter) + len(rows)})
        total += len(rows)


def settle_cancelled(campaign_id: int) -> int:
    """A cancelled campaign's messages given back to pending after the cancel (a retry, an
    account refusal of an in-flight chunk) end cancelled too; once nothing is in flight its
    reservation is released. Returns how many were cancelled."""
    campaign = Campaign.objects.filter(pk=campaign_id, status=Campaign.Status.CANCELLED).first()
    if campaign is None:
        return 0
    ended = cancel_unsent(campaign)
    if not Message.objects.filter(campaign_id=campaign_id, status=S.QUEUED).exists():
        ledger.release_all(campaign)
    return ended


# --- one chunk --------------------------------------------------------------------


class ChunkOutcome:
    def __init__(self) -> None:
        self.attempted = 0
        self.flags: list[bool] = []  # True per message the provider took (or may have)
        self.pause_reason = ""


def send_chunk(backend, ids: Sequence[int], campaign: Campaign | None = None) -> ChunkOutcome:
    """Claim ``ids`` (pending -> queued), send what we won, record every result."""
    call = Call.start(None, backend, ids, campaign)
    return call.finish()


class Call:
    """One chunk: claimed, handed to the provider (in ``pool`` when given), recorded."""

    def __init__(
        self, backend, won: list[int], outbound: list[OutboundMessage], campaign: Campaign | None, range_claim: Claim | None = None
    ) -> None:
        self.backend, self.won, self.outbound, self.campaign = backend, won, outbound, campaign
        self.claim = range_claim
        self.future = None
        self.results: list[SendResult] | None = None

    @classmethod
    def start(cls, pool, backend, ids: Sequence[int], campaign: Campaign | None) -> Call:
        won = claim(ids)
        return cls(backend, won, _outbound(won, campaign, backend.config), campaign).send_in(pool)

    @classmethod
    def claim_range(cls, backend, campaign: Campaign, lo: int, hi: int, limit: int) -> Call:
        """Claim up to ``limit`` due pending messages of the campaign in [lo, hi]; not sent yet."""
        won = claim_range(campaign.pk, lo, hi, limit, connection_id=backend.config.id)
        return cls(backend, won.ids, _outbound_claimed(won, campaign, backend.config), campaign, won)

    def send_in(self, pool) -> Call:
        """Send the claimed messages: in ``pool`` when given, else right here. A worker that
        is stopping gives a campaign's back (pending, for the tick to pick up after the
        restart) instead: they were never handed over. Single sends are few and go out."""
        if self.won and self.campaign is not None and shutdown.requested():
            unclaim(self.won)
            self.won, self.outbound = [], []
        if not self.won:
            self.results = []
        elif pool is None:
            self.results = self._send()
        else:
            self.future = pool.submit(self._send)
        return self

    def _send(self) -> list[SendResult]:
        try:
            return self.backend.send_checked(self.outbound)
        except Exception as exc:  # a backend bug: the request may have gone out, so never resend
            log.exception("send_batch failed on connection %s", self.backend.config.id)
            error = ProviderError(ErrorCode.UNKNOWN, ErrorClass.AMBIGUOUS, message=f"{exc.__class__.__name__}: {exc}"[:300])
            return [SendResult(message_id=m.id, status=S.UNKNOWN, error=error) for m in self.outbound]

    def wait(self) -> None:
        if self.results is None and self.future is not None:
            self.results = self.future.result()

    def finish(self) -> ChunkOutcome:
        self.wait()
        outcome = ChunkOutcome()
        if not self.won:
            return outcome
        # SQLite: one write transaction for the call log, the results, the counters and the
        # heartbeat (each separate one is another turn at the single writer's lock).
        # PostgreSQL: the shared rows (per-minute counters, the campaign's heartbeat) are
        # written after the commit, each in its own statement, so workers never hold them
        # for a whole chunk (where they queued on them, or deadlocked).
        shared_rows_inside = connection.vendor == "sqlite"
        prepared = prepare_record(self.results or [], self.won, self.claim)  # before the write lock
        with transaction.atomic():
            try:
                with transaction.atomic():
                    self.backend.http.flush()
            except Exception:
                log.exception("could not save the provider call log")
            # Routing first: the breaker counts the call; refusals another connection may take move there.
            results, won, moves = routing.after_call(self.backend.config.id, self.results or [], self.won)
            summary = record_results(
                results, won, self.campaign, self.backend, claim=self.claim, emit=False, prepared=None if moves else prepared
            )
            remember_batches(self.backend, self.results or [])
            if shared_rows_inside:
                self._write_shared_rows(summary)
        if not shared_rows_inside:
            self._write_shared_rows(summary)
        emit_status_events(summary.changed)
        self._rematch_held_reports()
        routing.queue_moves(moves)  # failed over: sent on their next connection
        outcome.attempted = len(self.won)
        outcome.flags = summary.flags
        outcome.pause_reason = summary.pause_reason
        return outcome

    def _write_shared_rows(self, summary) -> None:
        count_stats(summary)
        if self.campaign is not None:
            clock.beat(clock.campaign_beat_key(self.campaign.pk))

    def _rematch_held_reports(self) -> None:
        """Reports that overtook this chunk (posted before the call returned) apply now."""
        from campaigns.services.held_reports import rematch_recorded

        provider_ids = [r.provider_message_id for r in self.results or [] if r.provider_message_id]
        try:
            rematch_recorded(self.backend.config.id, provider_ids)
        except Exception:  # the intake and the tick retry held reports too
            log.exception("matching held reports failed on connection %s", self.backend.config.id)


def _outbound(won: list[int], campaign: Campaign | None, connection=None) -> list[OutboundMessage]:
    if not won:
        return []
    rows = [claimed_row(r, {}) for r in Message.objects.filter(pk__in=won).values_list(*CLAIM_COLUMNS)]
    return _to_outbound(rows, campaign.expires_at if campaign else None, provider_send_at(campaign, connection=connection))


def _outbound_claimed(won: Claim, campaign: Campaign, connection=None) -> list[OutboundMessage]:
    return _to_outbound(won.rows, campaign.expires_at, provider_send_at(campaign, connection=connection))


def _to_outbound(rows: Sequence[ClaimedRow], expires_at, send_at=None) -> list[OutboundMessage]:
    channels = {c.value: c for c in Channel}
    return [
        OutboundMessage(
            id=r.id,
            to=r.to,
            channel=channels[r.channel],
            sender=r.sender,
            text=r.text,
            encoding=r.encoding,
            segments=r.segments,
            flash=r.flash,
            payload=r.payload,
            expires_at=expires_at,
            send_at=send_at,
        )
        for r in rows
    ]


# --- completion ----------------------------------------------------------------------


def maybe_complete(campaign_id: int) -> bool:
    """running -> completed once nothing is pending or queued; releases what is left."""
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None or campaign.status != Campaign.Status.RUNNING:
        return False
    if campaign.recipients == 0 and Message.objects.filter(campaign_id=campaign_id).exists():
        return False  # its messages are still being created (recipients is set at the end)
    if materialize_claim.held(campaign_id):
        return False  # its messages are being created right now
    if ab_tests.holds_completion(campaign_id):
        return False  # an A/B test's winner still goes to the rest of the audience
    counts = campaign_counts(campaign)
    if counts[S.PENDING] or counts[S.QUEUED]:
        return False
    if not Campaign.objects.filter(pk=campaign_id, status=Campaign.Status.RUNNING).update(
        status=Campaign.Status.COMPLETED, finished_at=timezone.now()
    ):
        return False
    ledger.release_all(campaign)
    campaign.refresh_from_db()
    _emit_finished(campaign)
    return True


def _emit_finished(campaign: Campaign) -> None:
    try:
        from campaigns.services.events import campaign_finished_payload, emit_event

        emit_event(campaign.account_id, "campaign.finished", campaign_finished_payload(campaign))
    except Exception:
        log.exception("could not emit campaign.finished for %s", campaign.pk)
    try:
        from campaigns.services import notifications

        notifications.campaign_finished(campaign)
    except Exception:
        log.exception("could not notify campaign.finished for %s", campaign.pk)


def pending_due(campaign_id: int) -> bool:
    now = timezone.now()
    return (
        Message.objects.filter(campaign_id=campaign_id, status=S.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .exists()
    )
