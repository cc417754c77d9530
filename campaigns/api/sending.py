"""Transactional sends through the API: pick connection and sender, honour Idempotency-Key."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from campaigns.api.auth import Scope
from campaigns.api.errors import ApiError
from campaigns.models import IdempotencyClaim, Message, SenderID
from providers.models import ProviderConnection

MAX_IDEMPOTENCY_KEY = 120
# A claim without a message this old belongs to a request that died mid-way: it is released.
STALE_CLAIM = timedelta(minutes=2)


@dataclass
class SendOutcome:
    message: Message
    created: bool


def idempotency_key_from(request) -> str:
    key = (request.headers.get("Idempotency-Key") or "").strip()
    if len(key) > MAX_IDEMPOTENCY_KEY:
        raise ApiError(400, "invalid_idempotency_key", f"Idempotency-Key is longer than {MAX_IDEMPOTENCY_KEY} characters.")
    return key


def choose_connection(scope: Scope, channel: str, given: ProviderConnection | None) -> ProviderConnection:
    if given is not None:
        if not given.is_active:
            raise ApiError(422, "connection_inactive", "This connection is switched off.", {"connection": ["inactive"]})
        if not given.serves(channel):
            raise ApiError(422, "channel_not_supported", f"This connection does not send {channel}.", {"connection": [f"no {channel}"]})
        return given
    for connection in ProviderConnection.objects.filter(account=scope.account, is_active=True).order_by("pk"):
        if connection.serves(channel):
            return connection
    raise ApiError(422, "no_connection", f"The account has no active connection that sends {channel}.", {"connection": ["required"]})


def route_single(scope: Scope, channel: str, to: str, sender: str, subaccount):
    """The router's plan for one message the request names no connection for (None when
    the number is not valid: the send then says why, or nothing can carry it)."""
    from campaigns.services.messaging import SendError, normalize_number
    from campaigns.services.routing import Router

    try:
        number = normalize_number(to)
    except SendError:
        return None
    found = SenderID.objects.filter(account=scope.account, channel=channel, value=sender).first() if sender else None
    plan = Router(scope.account, channel, sender=found, subaccount=subaccount).plan(number)
    return plan if plan.first is not None else None


def choose_sender(scope: Scope, channel: str, value: str, connection: ProviderConnection) -> str:
    """An approved sender ID of the account (visible to the key) for this channel."""
    approved = SenderID.objects.filter(account=scope.account, channel=channel, status=SenderID.Status.APPROVED)
    if scope.subaccount is not None:
        approved = approved.filter(Q(subaccount=scope.subaccount) | Q(subaccount__isnull=True))
    anywhere = Q(connection__isnull=True, approved_on__isnull=True)
    approved = approved.filter(Q(connection=connection) | Q(approved_on=connection) | anywhere).distinct()
    if value:
        if not approved.filter(value=value).exists():
            raise ApiError(
                422, "sender_not_approved", f"{value!r} is not an approved {channel} sender ID here.", {"sender": ["not approved"]}
            )
        return value
    first = approved.order_by("connection_id", "pk").first()  # a connection-specific sender first (nulls last)
    return first.value if first else ""


def fingerprint(wanted: dict) -> str:
    canonical = json.dumps(wanted, sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder)
    return hashlib.sha256(canonical.encode()).hexdigest()


def send_idempotent(scope: Scope, key: str, wanted: dict, send: Callable[[], Message]) -> SendOutcome:
    """Without a key: send. With one: claim the key first (a unique row), so of two
    concurrent twins exactly one sends; the other gets the same message or a 409 to retry."""
    if not key:
        return SendOutcome(send(), True)
    digest = fingerprint(wanted)
    claim = _claim(scope, key, digest)
    if claim is None:
        return _replay(scope, key, digest)
    try:
        message = send()
    except Exception:
        claim.delete()  # nothing was sent: the key may be used again
        raise
    IdempotencyClaim.objects.filter(pk=claim.pk).update(message=message)
    return SendOutcome(message, message.idempotency_key == key and message.created_at >= claim.created_at)


def _claim(scope: Scope, key: str, digest: str) -> IdempotencyClaim | None:
    """Our new claim, or None when another request holds the key."""
    stale = timezone.now() - STALE_CLAIM
    IdempotencyClaim.objects.filter(account=scope.account, key=key, message__isnull=True, created_at__lt=stale).delete()
    try:
        with transaction.atomic():
            return IdempotencyClaim.objects.create(account=scope.account, key=key, fingerprint=digest)
    except IntegrityError:
        return None


def _replay(scope: Scope, key: str, digest: str) -> SendOutcome:
    claim = IdempotencyClaim.objects.filter(account=scope.account, key=key).select_related("message").first()
    if claim is None:  # the holder failed and let go of the key meanwhile
        raise ApiError(409, "idempotency_key_in_use", "A request with this Idempotency-Key just failed; retry.")
    message = claim.message or Message.objects.filter(account=scope.account, idempotency_key=key).first()
    other_subaccount = scope.subaccount is not None and message is not None and message.subaccount_id != scope.subaccount_id
    if claim.fingerprint != digest or other_subaccount:
        raise ApiError(
            409,
            "idempotency_key_reused",
            "This Idempotency-Key was already used for a different request; use a new key for a new message.",
            {"Idempotency-Key": ["already used with a different body"]},
        )
    if message is None:
        raise ApiError(409, "idempotency_key_in_use", "A request with this Idempotency-Key is still being processed; retry shortly.")
    return SendOutcome(message, False)
