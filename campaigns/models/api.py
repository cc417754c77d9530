"""REST API records: API keys, outbound event subscriptions and their deliveries."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from campaigns.models.tenancy import Account, Subaccount

KEY_PREFIX = "cpk_"
EVENT_KINDS = ("message.status", "message.inbound", "message.clicked", "campaign.finished")
EVENT_KIND_CHOICES = [(k, k) for k in EVENT_KINDS]


def hash_key(raw_key: str) -> str:
    """Keys carry ~190 bits of randomness, so a plain SHA-256 is enough (no slow hash)."""
    return hashlib.sha256(raw_key.encode()).hexdigest()


def new_signing_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


class ApiKey(models.Model):
    """A key an admin creates for an integrator; the raw key is shown once, only its hash is kept."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="api_keys")
    subaccount = models.ForeignKey(
        Subaccount,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="api_keys",
        help_text="Empty: the key acts for the whole account.",
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, help_text="The first characters of the key, for recognising it.")
    key_hash = models.CharField(max_length=64, unique=True)
    read_only = models.BooleanField(default=False, help_text="Read-only keys may only list and retrieve.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @classmethod
    def generate(cls, **fields) -> tuple[ApiKey, str]:
        """Create a key; returns it with the raw secret (the only time it exists)."""
        raw = KEY_PREFIX + secrets.token_urlsafe(32)
        key = cls.objects.create(prefix=raw[:12], key_hash=hash_key(raw), **fields)
        return key, raw

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])


class EventSubscription(models.Model):
    """An integrator's URL that receives signed POSTs for the chosen event kinds."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="event_subscriptions")
    subaccount = models.ForeignKey(
        Subaccount,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="event_subscriptions",
        help_text="Empty: events of the whole account; else only events of this subaccount.",
    )
    url = models.URLField(max_length=500)
    events = models.JSONField(default=list, help_text="Event kinds, e.g. ['message.status'].")
    secret = models.CharField(max_length=80, default=new_signing_secret)
    description = models.CharField(max_length=200, blank=True, default="")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["account", "active"], name="eventsub_account_active")]

    def __str__(self) -> str:
        return self.url


class EventDelivery(models.Model):
    """One event for one subscription: sent, retried with backoff for a day, then given up."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        RETRYING = "retrying", "Retrying"
        FAILED = "failed", "Failed"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    subscription = models.ForeignKey(EventSubscription, on_delete=models.CASCADE, related_name="deliveries")
    kind = models.CharField(max_length=40, choices=EVENT_KIND_CHOICES)
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="eventdelivery_due"),
            models.Index(fields=["subscription", "-id"], name="eventdelivery_sub_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} -> {self.subscription_id} ({self.status})"


class DeliveryAttempt(models.Model):
    """One HTTP POST of an event delivery, kept so the integrator can see every try."""

    delivery = models.ForeignKey(EventDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveSmallIntegerField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True, default="")
    response_body = models.CharField(max_length=500, blank=True, default="")
    duration_ms = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class IdempotencyClaim(models.Model):
    """The first request with an Idempotency-Key claims it (unique per account) before
    sending, with a fingerprint of its body: a repeat gets the same message, a different
    body is refused, a twin arriving while the first is still sending is told to retry."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=120)
    fingerprint = models.CharField(max_length=64)
    message = models.ForeignKey("campaigns.Message", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "key"], name="idempotency_claim_once")]
