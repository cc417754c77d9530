"""Webhook intake: parse, store the raw body, answer fast; apply in bulk.

The request costs a share of one INSERT transaction (GroupCommit; the connection is cached
per process). Parsing happens in the request only to answer a malformed body with 400 (it is
stored all the same, with why) and to build the provider's ack.
A task applies stored events in bulk (statuses: a few queries per hundreds of reports);
under Q_SYNC (tests) that task runs inline, so the report is applied before the answer."""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection as db_connection
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from providers.base import MalformedWebhook, ProviderBackend, WebhookRequest, WebhookResult
from providers.models import ProviderConnection, WebhookEvent

log = logging.getLogger(__name__)

CACHE_TTL = 30.0
APPLY_BATCH = 500
GATHER_SECONDS = 0.2  # an apply task waits this long after a small batch
ENQUEUE_EVERY = 0.5  # seconds between apply tasks queued by one process
CLAIM_STALE = timedelta(minutes=5)
HELD_RETRY_EVERY = 2.0  # seconds between retries of held reports in the apply loop
RECEIVED = WebhookEvent.Outcome.RECEIVED


@dataclass
class Intake:
    connection: ProviderConnection
    backend: ProviderBackend
    expires: float


_cache: dict[tuple[str, str], Intake] = {}
_cache_lock = threading.Lock()
_last_enqueue = 0.0


def intake_for(provider: str, token: str) -> Intake | None:
    """The connection (and a backend to parse with) for a webhook URL, cached briefly;
    misses are not cached, so a new connection works at once."""
    key = (provider, token)
    now = time.monotonic()
    entry = _cache.get(key)
    if entry is not None and entry.expires > now:
        return entry
    connection = ProviderConnection.objects.filter(provider=provider, webhook_token=token, is_active=True).first()
    if connection is None:
        with _cache_lock:
            _cache.pop(key, None)
        return None
    from providers.registry import UnknownProvider, backend_for

    try:
        entry = Intake(connection, backend_for(connection), now + CACHE_TTL)
    except UnknownProvider:
        return None
    with _cache_lock:
        if len(_cache) > 10000:
            _cache.clear()
        _cache[key] = entry
    return entry


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()


def webhook_request(request: HttpRequest, kind: str) -> WebhookRequest:
    return WebhookRequest(
        method=request.method or "POST",
        kind=kind or "",
        content_type=request.content_type or request.META.get("CONTENT_TYPE", ""),
        body=request.body,
        query={k: v for k, v in request.GET.items()},
        headers={k.lower(): v for k, v in request.headers.items()},
    )


def receive(request: HttpRequest, provider: str, token: str, kind: str = "") -> HttpResponse:
    intake = intake_for(provider, token)
    if intake is None:
        return HttpResponse("not found", status=404, content_type="text/plain")
    hook = webhook_request(request, kind)
    result, failure = parse(intake.backend, hook)
    outcome, detail = failure or (RECEIVED, "")
    _group_commit.write(_row(intake.connection, provider, kind, hook, outcome, detail))
    if result is not None:
        schedule_apply()
    ack = intake.backend.webhook_ack(hook, result)
    return HttpResponse(ack.body, status=ack.status, content_type=ack.content_type)


_INSERT_COLUMNS = (
    "connection_id",
    "account_id",
    "provider",
    "kind",
    "method",
    "content_type",
    "query",
    "body",
    "outcome",
    "detail",
    "received_at",
    "processed_at",
)
_insert_sql: dict[str, str] = {}


def _sql(*, returning: bool = True) -> str:
    key = (db_connection.vendor, returning)
    sql = _insert_sql.get(key)
    if sql is None:
        from providers.rawsql import insert_sql

        sql = insert_sql(WebhookEvent, _INSERT_COLUMNS)
        if returning and db_connection.features.can_return_columns_from_insert:
            sql += " RETURNING id"
        _insert_sql[key] = sql
    return sql


def _row(
    connection: ProviderConnection, provider: str, kind: str, hook: WebhookRequest, outcome: str, detail: str = "", received_at=None
) -> list:
    """The INSERT's parameters, body byte for byte (one that is not UTF-8 is kept as it came);
    a body that could not be understood is stored already processed, with why."""
    now = db_connection.ops.adapt_datetimefield_value(received_at or timezone.now())
    query_field = WebhookEvent._meta.get_field("query")
    return [
        connection.pk,
        connection.account_id,
        provider,
        kind[:40],
        hook.method[:8],
        hook.content_type[:200],
        query_field.get_db_prep_save(hook.query, db_connection),
        bytes(hook.body),
        outcome,
        detail[:2000],
        now,
        None if outcome == RECEIVED else now,
    ]


def store(connection: ProviderConnection, provider: str, kind: str, hook: WebhookRequest) -> WebhookEvent:
    """One received report stored by itself (no model instance, no save machinery)."""
    now = timezone.now()
    params = _row(connection, provider, kind, hook, RECEIVED, received_at=now)
    with db_connection.cursor() as cursor:
        cursor.execute(_sql(), params)
        pk = cursor.fetchone()[0] if db_connection.features.can_return_columns_from_insert else cursor.lastrowid
    return WebhookEvent(
        pk=pk, connection_id=connection.pk, account_id=connection.account_id, provider=provider, body=params[7], received_at=now
    )


class GroupCommit:
    """The reports that a process's request threads receive at the same moment are stored in
    one transaction: the thread that gets the writer's lock inserts every row queued so far,
    and the threads whose rows it took find them committed when the lock comes to them. Each
    request still answers only after its own row is committed. One commit for several reports
    is one turn at SQLite's single writer (or one WAL flush on PostgreSQL) instead of several,
    which is what the intake waited on."""

    def __init__(self) -> None:
        self._queue: list[_Pending] = []
        self._queue_lock = threading.Lock()
        self._writer = threading.Lock()

    def write(self, params: list) -> None:
        pending = _Pending(params)
        with self._queue_lock:
            self._queue.append(pending)
        with self._writer:
            if not pending.done:
                with self._queue_lock:
                    batch, self._queue = self._queue, []
                self._insert(batch)
        if pending.error is not None:
            raise RuntimeError("the webhook report could not be stored") from pending.error

    @staticmethod
    def _insert(batch: list[_Pending]) -> None:
        error: BaseException | None = None
        try:
            with transaction.atomic(), db_connection.cursor() as cursor:
                cursor.executemany(_sql(returning=False), [p.params for p in batch])
        except Exception as exc:  # every request of the batch answers 500: the provider sends it again
            error = exc
        for p in batch:
            p.error, p.done = error, True


@dataclass
class _Pending:
    params: list
    done: bool = False
    error: BaseException | None = None


_group_commit = GroupCommit()


def parse(backend: ProviderBackend, hook: WebhookRequest) -> tuple[WebhookResult | None, tuple[str, str] | None]:
    """The parsed body, or None and the outcome and reason it could not be understood."""
    try:
        return backend.parse_webhook(hook), None
    except MalformedWebhook as exc:
        return None, (WebhookEvent.Outcome.MALFORMED, str(exc) or "malformed body")
    except Exception as exc:  # a parser bug must not become a 500: keep the body, say why
        log.exception("webhook parser of %s failed", backend.slug)
        return None, (WebhookEvent.Outcome.ERROR, f"{exc.__class__.__name__}: {exc}")


def schedule_apply() -> None:
    """Queue the bulk apply task, at most every ENQUEUE_EVERY seconds per process (the
    task re-checks after it empties the backlog, so nothing waits for the next tick)."""
    global _last_enqueue
    from django_q.tasks import async_task

    sync = settings.Q_CLUSTER.get("sync", False)
    now = time.monotonic()
    if not sync and now - _last_enqueue < ENQUEUE_EVERY:
        return
    _last_enqueue = now
    async_task("campaigns.tasks.apply_webhooks", group="webhooks")


# --- applying -----------------------------------------------------------------------


def claim_received(limit: int = APPLY_BATCH) -> list[WebhookEvent]:
    ids = list(WebhookEvent.objects.filter(outcome=RECEIVED, processed_at__isnull=True).order_by("pk").values_list("pk", flat=True)[:limit])
    if not ids:
        return []
    now = timezone.now()
    with transaction.atomic():
        qs = WebhookEvent.objects.filter(pk__in=ids, processed_at__isnull=True)
        if db_connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)  # two apply tasks never take the same event
        claimed = list(qs.values_list("pk", flat=True))
        WebhookEvent.objects.filter(pk__in=claimed).update(processed_at=now)
    return list(WebhookEvent.objects.filter(pk__in=claimed).select_related("connection").order_by("pk"))


def apply_received(max_seconds: float = 50.0, linger: float | None = None, *, lease: bool = True) -> int:
    """Apply stored events in bulk until none is left (then look once more after
    ``linger`` seconds, covering events whose request skipped queueing a task). Reports
    held for a message not recorded yet are tried again on the way, every few seconds."""
    sync = settings.Q_CLUSTER.get("sync", False)
    held = _take_apply_lease() if lease and not sync else None
    if lease and not sync and held is None:
        return 0  # enough apply loops run already; they go on until the backlog is empty
    try:
        return _apply_loop(sync, max_seconds, linger, held)
    finally:
        if held is not None:
            from campaigns.services import clock

            clock.release(held)


APPLY_LOOPS = 1  # apply loops at once across every cluster (one takes 1,500+ reports/s)
APPLY_LEASE_SECONDS = 5.0  # a loop renews its lease every batch; a killed one's lapses soon


def _take_apply_lease() -> str | None:
    """A slot among APPLY_LOOPS: the intake queues an apply task every 0.5 s per web
    process; without slots those tasks would each hold a worker for the whole flow of
    reports, and a campaign's batch tasks would wait behind them."""
    from campaigns.services import clock

    for slot in range(APPLY_LOOPS):
        key = f"lease:apply:{slot}"
        if clock.take(key, APPLY_LEASE_SECONDS):
            return key
    return None


def _apply_loop(sync: bool, max_seconds: float, linger: float | None, lease: str | None) -> int:
    from campaigns.services import clock

    linger = (0.0 if sync else 1.0) if linger is None else linger
    started, total, lingered, backoff = time.monotonic(), 0, False, 0.0
    held_retry_at = 0.0
    while time.monotonic() - started < max_seconds:
        if lease is not None:
            clock.beat(lease)
        if time.monotonic() >= held_retry_at:
            _retry_recent_held()
            held_retry_at = time.monotonic() + HELD_RETRY_EVERY
        events = claim_received()
        if not events:
            if lingered or linger <= 0:
                break
            time.sleep(linger)
            lingered = True
            continue
        lingered = False
        try:
            total += apply_events(events)
            backoff = 0.0
        except TransientError:
            backoff = min(max(backoff * 2, 0.2), 5.0)  # the database is busy: let it breathe
            time.sleep(backoff)
            continue
        if len(events) < APPLY_BATCH and not sync:
            # A trickle: let reports gather, a batch costs about the same for 10 or 500.
            time.sleep(GATHER_SECONDS)
    _retry_recent_held()
    return total


def _retry_recent_held() -> None:
    from campaigns.services.held_reports import retry_held

    try:
        retry_held(recent_only=True)
    except Exception:  # the tick tries again; the backlog must not wait for this
        log.exception("retrying held status reports failed")


def apply_events(events: list[WebhookEvent]) -> int:
    """Parse again and apply: statuses grouped per connection (bulk), then inbound items
    and provider events. Every event ends with an outcome."""
    from campaigns.services.inbound import apply_events as apply_provider_events
    from campaigns.services.inbound import apply_inbound

    parsed: dict[int, tuple[WebhookEvent, WebhookResult]] = {}
    outcomes: dict[int, list[str]] = defaultdict(list)
    final: dict[int, tuple[str, str]] = {}
    backends: dict[int, ProviderBackend] = {}  # one per connection: its credentials are decrypted once
    for event in events:
        result = _reparse(event, backends)
        if isinstance(result, tuple):
            final[event.pk] = result
        else:
            parsed[event.pk] = (event, result)
    by_connection: dict[int, list[tuple[int, object]]] = defaultdict(list)
    for pk, (event, result) in parsed.items():
        for update in result.statuses:
            by_connection[event.connection_id].append((pk, update))
    retry_later: set[int] = set()
    for conn_id, items in by_connection.items():
        conn = parsed[items[0][0]][0].connection
        try:
            results = apply_isolated(conn_id, conn.account_id, items)
        except TransientError:
            log.warning("applying %d status reports of connection %s hit a transient error; retrying", len(items), conn_id)
            retry_later |= {pk for pk, _ in items}
            continue
        for (pk, _), outcome in zip(items, results, strict=True):
            outcomes[pk].append(outcome)
    for pk, (event, result) in parsed.items():
        if pk in retry_later:
            continue
        try:
            if result.inbound:
                outcomes[pk] += apply_inbound(event.connection, result.inbound)
            if result.events:
                outcomes[pk] += apply_provider_events(event.connection, result.events)
        except Exception as exc:
            log.exception("applying webhook event %s failed", pk)
            outcomes[pk].append(f"error:{exc.__class__.__name__}")
        final[pk] = summarize(outcomes[pk])
    _save_outcomes(final)
    if retry_later:
        WebhookEvent.objects.filter(pk__in=retry_later).update(processed_at=None)
        raise TransientError(f"{len(retry_later)} events went back to the backlog")
    return len(final)


class TransientError(Exception):
    """The database could not take the change now (locked, connection lost): try again."""


def is_transient(exc: BaseException) -> bool:
    from django.db import InterfaceError, OperationalError

    return isinstance(exc, OperationalError | InterfaceError)


def apply_isolated(connection_id: int, account_id: int, items: list[tuple[int, object]]) -> list[str]:
    """Apply a connection's reports in one transaction; when that raises, split the batch
    in halves until the report that fails is alone (it gets an error outcome), so one bad
    report never takes the others down. Transient errors raise TransientError: the
    caller puts the whole batch back for a later try. Reports that match no message
    yet are held (held_reports), not dropped."""
    try:
        return _apply_and_hold(connection_id, account_id, items)
    except Exception as exc:
        if is_transient(exc):
            raise TransientError(str(exc)) from exc
        if len(items) == 1:
            log.exception("status report of event %s failed", items[0][0])
            return [f"error:{exc.__class__.__name__}"]
    middle = len(items) // 2
    return apply_isolated(connection_id, account_id, items[:middle]) + apply_isolated(connection_id, account_id, items[middle:])


def _apply_and_hold(connection_id: int, account_id: int, items: list[tuple[int, object]]) -> list[str]:
    from campaigns.services.held_reports import hold
    from campaigns.services.reports import HELD, UNKNOWN, apply_updates, find_messages

    updates = [u for _, u in items]
    # Matched before the write transaction (on SQLite, the single writer's lock the webhook
    # intake waits for): a provider id once recorded never changes, and a report that matches
    # nothing yet is held and matched again when its id is recorded.
    found = find_messages(connection_id, account_id, updates)
    with transaction.atomic():
        results = apply_updates(connection_id, account_id, updates, found=found)
        unmatched = [i for i, outcome in enumerate(results) if outcome == UNKNOWN]
        hold(connection_id, [items[i][1] for i in unmatched], [items[i][0] for i in unmatched])
    for i in unmatched:
        results[i] = HELD
    return results


def _reparse(event: WebhookEvent, backends: dict[int, ProviderBackend]) -> WebhookResult | tuple[str, str]:
    if event.connection is None:
        return (WebhookEvent.Outcome.IGNORED, "the connection was deleted")
    try:
        from providers.registry import backend_for

        backend = backends.get(event.connection_id)
        if backend is None:
            backend = backends[event.connection_id] = backend_for(event.connection)
        hook = WebhookRequest(
            method=event.method, kind=event.kind, content_type=event.content_type, body=event.raw_body, query=event.query or {}
        )
        return backend.parse_webhook(hook)
    except MalformedWebhook as exc:
        return (WebhookEvent.Outcome.MALFORMED, str(exc))
    except Exception as exc:
        return (WebhookEvent.Outcome.ERROR, f"{exc.__class__.__name__}: {exc}")


def summarize(outcomes: list[str]) -> tuple[str, str]:
    """One outcome for an event from its items' outcomes."""
    out = WebhookEvent.Outcome
    if not outcomes:
        return (out.IGNORED, "nothing to apply")
    errors = [o for o in outcomes if o.startswith("error")]
    applied = outcomes.count("applied")
    detail = ", ".join(f"{outcomes.count(o)} {o}" for o in sorted(set(outcomes)))
    if errors and not applied:
        return (out.ERROR, detail)
    if applied == len(outcomes):
        return (out.APPLIED, detail)
    if applied:
        return (out.PARTIAL, detail)
    if "held" in outcomes:
        return (out.HELD, detail)
    if "unknown_message" in outcomes:
        return (out.UNKNOWN_MESSAGE, detail)
    if "duplicate" in outcomes:
        return (out.DUPLICATE, detail)
    return (out.IGNORED, detail)


def _save_outcomes(final: dict[int, tuple[str, str]]) -> None:
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for pk, key in final.items():
        groups[key].append(pk)
    now = timezone.now()
    for (outcome, detail), ids in groups.items():
        WebhookEvent.objects.filter(pk__in=ids).update(outcome=outcome, detail=detail[:2000], processed_at=now)


def reset_stale_claims() -> int:
    """Events claimed by an apply task that died go back to the backlog."""
    cutoff = timezone.now() - CLAIM_STALE
    return WebhookEvent.objects.filter(outcome=RECEIVED, processed_at__lt=cutoff).update(processed_at=None)
