"""Transactional sends through the API: pick connection and sender, honour Idempotency-Key."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q

from campaigns.api.auth import Scope
from campaigns.api.errors import ApiError
from campaigns.models import Message, SenderID
from providers.models import ProviderConnection

MAX_IDEMPOTENCY_KEY = 120


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


def choose_sender(scope: Scope, channel: str, value: str, connection: ProviderConnection) -> str:
    """An approved sender ID of the account (visible to the key) for this channel."""
    approved = SenderID.objects.filter(account=scope.account, channel=channel, status=SenderID.Status.APPROVED)
    if scope.subaccount is not None:
        approved = approved.filter(Q(subaccount=scope.subaccount) | Q(subaccount__isnull=True))
    approved = approved.filter(Q(connection=connection) | Q(connection__isnull=True))
    if value:
        if not approved.filter(value=value).exists():
            raise ApiError(
                422, "sender_not_approved", f"{value!r} is not an approved {channel} sender ID here.", {"sender": ["not approved"]}
            )
        return value
    first = approved.order_by("connection_id", "pk").first()  # a connection-specific sender first (nulls last)
    return first.value if first else ""


def same_request(message: Message, wanted: dict) -> bool:
    return all(getattr(message, name) == value for name, value in wanted.items())


def send_idempotent(scope: Scope, key: str, wanted: dict, send) -> SendOutcome:
    """``send()`` creates the message; with a key, a repeat returns the first message and a
    concurrent twin that loses the unique-constraint race returns the winner's."""
    if key:
        existing = _existing(scope, key)
        if existing is not None:
            return _replay(scope, existing, wanted)
    try:
        with transaction.atomic():
            return SendOutcome(send(), True)
    except IntegrityError:
        existing = _existing(scope, key) if key else None
        if existing is None:
            raise
        return _replay(scope, existing, wanted)


def _existing(scope: Scope, key: str) -> Message | None:
    return Message.objects.filter(account=scope.account, idempotency_key=key).first()


def _replay(scope: Scope, message: Message, wanted: dict) -> SendOutcome:
    other_subaccount = scope.subaccount is not None and message.subaccount_id != scope.subaccount_id
    if other_subaccount or not same_request(message, wanted):
        raise ApiError(
            409,
            "idempotency_key_reused",
            "This Idempotency-Key was already used for a different request; use a new key for a new message.",
            {"Idempotency-Key": ["already used with a different body"]},
        )
    return SendOutcome(message, False)
