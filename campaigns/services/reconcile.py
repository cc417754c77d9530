"""After a crash: claimed messages whose worker died have an unknown fate. They become
`unknown` (never resent) and are reconciled through the provider's status query."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from campaigns.models import Message
from campaigns.services.outcomes import emit_status_events
from campaigns.services.reports import apply_updates
from campaigns.services.transitions import apply_status
from providers.base import Capability, ErrorCode, ProviderException
from providers.base import MessageStatus as S

log = logging.getLogger(__name__)


def stale_after() -> timedelta:
    """A claim older than this has no live worker: longer than any provider call."""
    from portal.env import env_int

    # A live claim lasts one provider call plus its recording. Marking one too early is
    # harmless (never resent; its recorded result still moves it on from `unknown`), so
    # this stays short: a restarted cluster settles what the dead one held within a minute.
    default = env_int("ENGINE_STALE_CLAIM_SECONDS", max(30, int(settings.PROVIDER_HTTP_TIMEOUT * 2)))
    return timedelta(seconds=getattr(settings, "ENGINE_STALE_CLAIM_SECONDS", default))


def mark_stale_claims(now=None) -> int:
    cutoff = (now or timezone.now()) - stale_after()
    total = 0
    while True:
        ids = list(Message.objects.filter(status=S.QUEUED, queued_at__lt=cutoff).values_list("pk", flat=True)[:2000])
        if not ids:
            return total
        with transaction.atomic():
            rows = apply_status(
                ids,
                S.UNKNOWN,
                fields={"error_code": "unknown", "error_message": "The worker stopped during the provider call; not resent."},
            )
        emit_status_events(rows)
        total += len(rows)


def reconcile_unknown(limit: int = 2000) -> int:
    """Ask providers that can tell (STATUS_QUERY) what became of `unknown` messages."""
    from providers.models import ProviderConnection
    from providers.registry import backend_for, backends

    applied = 0
    # Only providers that can answer a status query; each connection's unknowns are found
    # through the (connection, status) index, never by scanning every unknown message.
    queryable = [slug for slug, cls in backends().items() if cls.supports(Capability.STATUS_QUERY)]
    for connection in ProviderConnection.objects.filter(provider__in=queryable):
        try:
            backend = backend_for(connection)
        except Exception:
            continue
        pairs = list(
            Message.objects.filter(connection=connection, status=S.UNKNOWN).order_by("pk").values_list("pk", "provider_message_id")[:limit]
        )
        size = backend.status_query_size  # each query is paced by the backend (rate_limits)
        for start in range(0, len(pairs), size):
            chunk = pairs[start : start + size]
            try:
                updates = query_status_paced(backend, chunk)
            except Exception:
                log.exception("status query failed on connection %s", connection.pk)
                break
            finally:
                backend.http.flush()
            updates = [u for u in updates if u.status != S.UNKNOWN]
            outcomes = apply_updates(connection.pk, connection.account_id, updates)
            applied += outcomes.count("applied")
    return applied


RATE_LIMIT_RETRIES = 3


def query_status_paced(backend, pairs: list) -> list:
    """The backend's status query; a query the provider refused as too soon (HTTP 429: a
    request that left on time arrived early) is asked again after the wait it named."""
    for attempt in range(RATE_LIMIT_RETRIES + 1):
        try:
            return backend.query_status(pairs)
        except ProviderException as exc:
            if exc.error.code != ErrorCode.RATE_LIMITED or attempt == RATE_LIMIT_RETRIES:
                raise
            time.sleep(min(exc.error.retry_after or 1.0, 5.0))
    return []


def poll_after() -> timedelta:
    """How long a submitted message waits before its first status query."""
    return timedelta(seconds=getattr(settings, "ENGINE_POLL_AFTER_SECONDS", 30))


def poll_unreported(limit: int = 500, now=None) -> int:
    """Providers that push no delivery reports (backend ``delivery_reports = False``) but
    answer a status query: ask about their submitted/sent messages of the last days."""
    from providers.models import ProviderConnection
    from providers.registry import backend_for, backends

    now = now or timezone.now()
    waiting = Message.objects.filter(
        status__in=[S.SUBMITTED, S.SENT], submitted_at__gte=now - timedelta(days=3), updated_at__lte=now - poll_after()
    ).exclude(provider_message_id="")

    applied = 0
    # Only connections of providers that push no reports: never a scan of every message.
    # Backends that answer for a whole batch are polled per batch (services/polling.py).
    silent = [
        slug
        for slug, cls in backends().items()
        if not cls.delivery_reports and cls.supports(Capability.STATUS_QUERY) and not cls.batch_status_query
    ]
    for connection in ProviderConnection.objects.filter(provider__in=silent, is_active=True):
        try:
            backend = backend_for(connection)
        except Exception:
            continue
        pairs = list(waiting.filter(connection=connection).order_by("updated_at").values_list("pk", "provider_message_id")[:limit])
        size = backend.status_query_size
        for start in range(0, len(pairs), size):
            try:
                updates = query_status_paced(backend, pairs[start : start + size])
            except Exception:
                log.exception("status polling failed on connection %s", connection.pk)
                break
            finally:
                backend.http.flush()
            updates = [u for u in updates if u.status not in (S.UNKNOWN, S.SUBMITTED)]
            applied += apply_updates(connection.pk, connection.account_id, updates).count("applied")
    return applied
