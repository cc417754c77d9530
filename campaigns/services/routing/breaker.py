"""The circuit breaker per connection: after ``ROUTING_BREAKER_FAILURES`` provider calls in a
row that failed at the connection level (the account refused, the connection down, the
provider's server erring), the connection is out of rotation for ``ROUTING_BREAKER_SECONDS``:
the router puts it last and the pipeline moves its waiting messages to the next connection.
Then one call may probe it (half-open): success puts it back, failure opens it again.

A refusal of one message (bad number, uncovered network) says nothing about the connection
and does not count; neither does an ambiguous outcome (the call may have succeeded)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from campaigns.models import ConnectionHealth
from providers.base import ErrorClass, ErrorCode, SendResult
from providers.base import MessageStatus as S

log = logging.getLogger(__name__)
State = ConnectionHealth.State

CONNECTION_LEVEL_CODES = {ErrorCode.NETWORK, ErrorCode.PROVIDER_ERROR, ErrorCode.TIMEOUT}


def failure_threshold() -> int:
    return int(getattr(settings, "ROUTING_BREAKER_FAILURES", 3))


def open_seconds() -> float:
    return float(getattr(settings, "ROUTING_BREAKER_SECONDS", 300))


def is_connection_failure(result: SendResult) -> bool:
    """The call failed because of the connection, not the message."""
    error = result.error
    if error is None or result.status in (S.SUBMITTED, S.SENT, S.DELIVERED, S.UNKNOWN):
        return False
    if error.error_class == ErrorClass.ACCOUNT:
        return True
    return error.error_class == ErrorClass.RETRYABLE and error.code in CONNECTION_LEVEL_CODES


def open_connection_ids(connection_ids: Iterable[int]) -> set[int]:
    """Of ``connection_ids``, those out of rotation now (open, not yet due for a probe)."""
    now = timezone.now()
    return set(
        ConnectionHealth.objects.filter(connection_id__in=list(connection_ids), state=State.OPEN, open_until__gt=now).values_list(
            "connection_id", flat=True
        )
    )


def state_of(connection_id: int) -> ConnectionHealth:
    """The connection's breaker (an unsaved closed one when it never failed)."""
    return ConnectionHealth.objects.filter(connection_id=connection_id).first() or ConnectionHealth(connection_id=connection_id)


def gate(connection_id: int) -> str:
    """May a call go to the connection now? "closed" (yes), "probe" (yes: this caller won the
    half-open probe), "open" (no: out of rotation, or another caller is probing)."""
    health = ConnectionHealth.objects.filter(connection_id=connection_id).first()
    if health is None or health.state == State.CLOSED:
        return "closed"
    now = timezone.now()
    if health.state == State.OPEN and health.open_until and health.open_until <= now:
        won = ConnectionHealth.objects.filter(connection_id=connection_id, state=State.OPEN, open_until__lte=now).update(
            state=State.HALF_OPEN, updated_at=now
        )
        return "probe" if won else "open"
    if health.state == State.HALF_OPEN and health.updated_at < now - timedelta(seconds=open_seconds()):
        return "probe"  # the prober died: let another try
    return "open"


def record_call(connection_id: int, results: Sequence[SendResult]) -> bool:
    """Count one provider call's results against the connection. Returns True when this
    call opened the breaker (the caller's transaction then notifies once)."""
    known = [r for r in results if r.status != S.UNKNOWN]
    if any(r.status in (S.SUBMITTED, S.SENT, S.DELIVERED) for r in known):
        _close(connection_id)
        return False
    if not known or not all(is_connection_failure(r) for r in known):
        return False
    error = known[0].error
    return _fail(connection_id, f"{error.code}: {error.message or error.raw_code}"[:300])


def _close(connection_id: int) -> None:
    ConnectionHealth.objects.filter(connection_id=connection_id).filter(~Q(state=State.CLOSED) | Q(consecutive_failures__gt=0)).update(
        state=State.CLOSED, consecutive_failures=0, open_until=None, updated_at=timezone.now()
    )


def _fail(connection_id: int, error: str) -> bool:
    now = timezone.now()
    with transaction.atomic():
        health, _ = ConnectionHealth.objects.select_for_update().get_or_create(connection_id=connection_id)
        health.consecutive_failures = F("consecutive_failures") + 1
        health.last_error, health.last_failure_at = error, now
        health.save(update_fields=["consecutive_failures", "last_error", "last_failure_at", "updated_at"])
        health.refresh_from_db()
        opens = health.state == State.HALF_OPEN or (health.state == State.CLOSED and health.consecutive_failures >= failure_threshold())
        if not opens:
            return False
        health.state, health.opened_at = State.OPEN, now
        health.open_until = now + timedelta(seconds=open_seconds())
        health.times_opened += 1
        health.save(update_fields=["state", "opened_at", "open_until", "times_opened", "updated_at"])
        transaction.on_commit(lambda: _notify_opened(connection_id))
    return True


def _notify_opened(connection_id: int) -> None:
    try:
        from campaigns.services import notifications

        notifications.connection_out_of_rotation(state_of(connection_id))
    except Exception:
        log.exception("could not notify that connection %s is out of rotation", connection_id)
