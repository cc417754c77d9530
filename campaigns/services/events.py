"""Outbound events: record a delivery per matching subscription, POST it signed, retry for a day.

Callers (the send pipeline, the webhook intake) call ``emit_event`` / ``emit_events`` where
statuses change. Payloads are plain dicts; a ``subaccount_id`` key (int or None) routes the
event: a subscription bound to a subaccount only receives that subaccount's events, an
account-wide subscription receives all of them.

Body posted: ``{"id": <delivery id>, "type": <kind>, "created_at": <iso>, "data": <payload>}``
with ``X-Portal-Signature: t=<unix ts>,v1=<hex HMAC-SHA256(secret, "<ts>.<body>")>``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Iterable
from datetime import timedelta

import httpx
from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from campaigns.models import DeliveryAttempt, EventDelivery, EventSubscription
from campaigns.models.api import EVENT_KINDS

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Portal-Signature"
# Seconds to wait after the n-th failed attempt; the sum is just under a day.
BACKOFF = (60, 300, 900, 1800, 3600, 7200, 14400, 28800, 28800)
GIVE_UP_AFTER = timedelta(days=1)
POST_TIMEOUT = 10.0
CLAIM_LEASE = timedelta(minutes=2)  # a claimed delivery is not picked again before this
TASKS_CHUNK = 50  # deliveries sent by one queued task
CACHE_TTL = 60
RETENTION_DAYS = 30
PURGE_EVERY = 3600


def _cache_key(account_id: int) -> str:
    return f"events:has-subs:{account_id}"


def invalidate_subscription_cache(account_id: int) -> None:
    cache.delete(_cache_key(account_id))


def may_have_subscriptions(account_id: int) -> bool:
    """One cached EXISTS per account and minute: emitting costs nothing without subscribers.
    A stale True only costs a query; saves and deletes of subscriptions clear the entry."""
    key = _cache_key(account_id)
    found = cache.get(key)
    if found is None:
        found = EventSubscription.objects.filter(account_id=account_id, active=True).exists()
        cache.set(key, found, CACHE_TTL)
    return found


def _on_subscription_change(sender, instance: EventSubscription, **kwargs) -> None:
    invalidate_subscription_cache(instance.account_id)


post_save.connect(_on_subscription_change, sender=EventSubscription, dispatch_uid="events-sub-saved")
post_delete.connect(_on_subscription_change, sender=EventSubscription, dispatch_uid="events-sub-deleted")


def emit_event(account_id: int, kind: str, payload: dict) -> None:
    emit_events(account_id, kind, [payload])


def emit_events(account_id: int, kind: str, payloads: list[dict]) -> None:
    """Record one delivery per (payload, matching subscription) and queue their sending
    once the caller's transaction commits."""
    if kind not in EVENT_KINDS:
        raise ValueError(f"unknown event kind {kind!r}")
    if not payloads or not may_have_subscriptions(account_id):
        return
    subscriptions = [s for s in EventSubscription.objects.filter(account_id=account_id, active=True) if kind in (s.events or [])]
    if not subscriptions:
        return
    now = timezone.now()
    rows = [
        EventDelivery(account_id=account_id, subscription=sub, kind=kind, payload=data, next_attempt_at=now)
        for data in map(_jsonable, payloads)
        for sub in subscriptions
        if _routes_to(sub, data)
    ]
    if not rows:
        return
    created = EventDelivery.objects.bulk_create(rows, batch_size=500)
    ids = [d.pk for d in created if d.pk is not None]
    if not ids:  # backends that do not return ids from bulk inserts: the sweeper sends them
        return
    transaction.on_commit(lambda: _queue(ids))


def _jsonable(payload: dict) -> dict:
    return json.loads(json.dumps(payload, cls=DjangoJSONEncoder))


def _routes_to(subscription: EventSubscription, payload: dict) -> bool:
    if subscription.subaccount_id is None:
        return True
    return payload.get("subaccount_id") == subscription.subaccount_id


def _queue(ids: list[int]) -> None:
    from django_q.tasks import async_task

    for start in range(0, len(ids), TASKS_CHUNK):
        async_task("campaigns.services.events.send_deliveries", ids[start : start + TASKS_CHUNK], group="events")


# --- sending ---------------------------------------------------------------


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify_signature(secret: str, header: str, body: bytes, *, tolerance: int = 300, now: float | None = None) -> bool:
    """What a receiver does (also used in tests): check the MAC and the timestamp's age."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
    except (ValueError, KeyError):
        return False
    if abs((now or time.time()) - timestamp) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), f"t={timestamp},v1={parts.get('v1', '')}")


def event_body(delivery: EventDelivery) -> bytes:
    body = {"id": delivery.pk, "type": delivery.kind, "created_at": delivery.created_at.isoformat(), "data": delivery.payload}
    return json.dumps(body, separators=(",", ":"), cls=DjangoJSONEncoder).encode()


def send_deliveries(ids: Iterable[int]) -> None:
    """Task: POST each due delivery once (claimed first, so two workers never both send)."""
    with httpx.Client(timeout=POST_TIMEOUT, follow_redirects=False) as client:
        for delivery_id in ids:
            delivery = _claim(delivery_id)
            if delivery is not None:
                attempt_delivery(delivery, client)


def send_due_deliveries(limit: int = 500) -> int:
    """Periodic task: send what is due (retries, and anything whose task was lost)."""
    now = timezone.now()
    if cache.add("events:purged-recently", True, PURGE_EVERY):
        purge_old_deliveries()
    due = list(
        EventDelivery.objects.filter(
            status__in=[EventDelivery.Status.PENDING, EventDelivery.Status.RETRYING], next_attempt_at__lte=now
        ).values_list("pk", flat=True)[:limit]
    )
    send_deliveries(due)
    return len(due)


def purge_old_deliveries(days: int | None = None, chunk: int = 5000) -> int:
    """Delete finished deliveries (and their attempts) older than the retention."""
    days = days if days is not None else getattr(settings, "API_EVENT_RETENTION_DAYS", RETENTION_DAYS)
    cutoff = timezone.now() - timedelta(days=days)
    done = [EventDelivery.Status.DELIVERED, EventDelivery.Status.FAILED]
    removed = 0
    while True:
        ids = list(EventDelivery.objects.filter(created_at__lt=cutoff, status__in=done).values_list("pk", flat=True)[:chunk])
        if not ids:
            return removed
        EventDelivery.objects.filter(pk__in=ids).delete()
        removed += len(ids)


def _claim(delivery_id: int) -> EventDelivery | None:
    now = timezone.now()
    claimed = EventDelivery.objects.filter(
        pk=delivery_id,
        status__in=[EventDelivery.Status.PENDING, EventDelivery.Status.RETRYING],
        next_attempt_at__lte=now,
    ).update(next_attempt_at=now + CLAIM_LEASE)
    if not claimed:
        return None
    return EventDelivery.objects.select_related("subscription").get(pk=delivery_id)


def attempt_delivery(delivery: EventDelivery, client: httpx.Client) -> DeliveryAttempt:
    """POST the event once, log the attempt and decide what happens next."""
    subscription = delivery.subscription
    body = event_body(delivery)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "campaign-portal-events/1",
        "X-Portal-Event": delivery.kind,
        "X-Portal-Delivery": str(delivery.pk),
        SIGNATURE_HEADER: sign(subscription.secret, int(time.time()), body),
    }
    number = delivery.attempts + 1
    status_code, error, response_text = None, "", ""
    started = time.monotonic()
    try:
        response = client.post(subscription.url, content=body, headers=headers)
        status_code, response_text = response.status_code, response.text[:500]
        if not 200 <= status_code < 300:
            error = f"HTTP {status_code}"
    except httpx.HTTPError as exc:
        error = (str(exc) or exc.__class__.__name__)[:300]
    duration = int((time.monotonic() - started) * 1000)
    attempt = DeliveryAttempt.objects.create(
        delivery=delivery, number=number, status_code=status_code, error=error, response_body=response_text, duration_ms=duration
    )
    _record_outcome(delivery, number, status_code, error)
    return attempt


def _record_outcome(delivery: EventDelivery, number: int, status_code: int | None, error: str) -> None:
    now = timezone.now()
    delivery.attempts = number
    delivery.last_status_code = status_code
    delivery.last_error = error
    if not error:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = EventDelivery.Status.DELIVERED, now, None
    else:
        next_at = next_attempt_time(delivery, number, now)
        if next_at is None or not delivery.subscription.active:
            delivery.status, delivery.next_attempt_at = EventDelivery.Status.FAILED, None
        else:
            delivery.status, delivery.next_attempt_at = EventDelivery.Status.RETRYING, next_at
    delivery.save(update_fields=["attempts", "last_status_code", "last_error", "status", "delivered_at", "next_attempt_at"])


def next_attempt_time(delivery: EventDelivery, failed_attempts: int, now) -> object | None:
    """When to try again after ``failed_attempts`` failures; None once the day is over."""
    if failed_attempts > len(BACKOFF):
        return None
    next_at = now + timedelta(seconds=BACKOFF[failed_attempts - 1])
    if next_at > delivery.created_at + GIVE_UP_AFTER:
        return None
    return next_at


def redeliver(delivery: EventDelivery) -> None:
    """Send a delivery again now (an integrator asked for it after fixing their endpoint)."""
    EventDelivery.objects.filter(pk=delivery.pk).update(status=EventDelivery.Status.RETRYING, next_attempt_at=timezone.now())
    transaction.on_commit(lambda: _queue([delivery.pk]))


def ensure_schedule() -> None:
    """Create the every-minute sweeper of due deliveries (idempotent)."""
    from django_q.models import Schedule

    Schedule.objects.update_or_create(
        name="events: send due deliveries",
        defaults={"func": "campaigns.services.events.send_due_deliveries", "schedule_type": Schedule.MINUTES, "minutes": 1, "repeats": -1},
    )


# --- payloads the engine may use -----------------------------------------------


def message_status_payload(message) -> dict:
    return {
        "message_id": message.pk,
        "campaign_id": message.campaign_id,
        "subaccount_id": message.subaccount_id,
        "channel": message.channel,
        "to": message.to,
        "status": message.status,
        "error_code": message.error_code,
        "provider_message_id": message.provider_message_id,
        "call_outcome": message.call_outcome,
        "call_dtmf": message.call_dtmf,
        "updated_at": timezone.now(),
    }


def inbound_payload(inbound) -> dict:
    return {
        "inbound_id": inbound.pk,
        "kind": inbound.kind,
        "from": inbound.from_number,
        "to": inbound.to,
        "text": inbound.text,
        "campaign_id": inbound.campaign_id,
        "message_id": inbound.message_id,
        "subaccount_id": getattr(inbound.campaign, "subaccount_id", None) if inbound.campaign_id else None,
        "is_opt_out": inbound.is_opt_out,
        "conversation_id": inbound.conversation_id,
        "received_at": inbound.received_at,
    }


def campaign_finished_payload(campaign) -> dict:
    return {
        "campaign_id": campaign.pk,
        "subaccount_id": campaign.subaccount_id,
        "name": campaign.name,
        "status": campaign.status,
        "recipients": campaign.recipients,
        "finished_at": campaign.finished_at,
    }
