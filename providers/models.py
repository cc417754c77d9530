"""Shared provider-side records: connections, the HTTP log and raw webhooks."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse

from providers.base import Capability, ConnectionConfig
from providers.crypto import decrypt_json, encrypt_json


def new_webhook_token() -> str:
    return secrets.token_urlsafe(24)


class ProviderConnection(models.Model):
    account = models.ForeignKey("campaigns.Account", on_delete=models.CASCADE, related_name="connections")
    name = models.CharField(max_length=100)
    provider = models.CharField(max_length=30, db_index=True)
    base_url = models.URLField(max_length=300)
    credentials_encrypted = models.TextField(blank=True, default="")
    settings = models.JSONField(default=dict, blank=True)
    channels = models.JSONField(default=list, blank=True, help_text="Channels this connection serves; empty means all it can.")
    mps = models.PositiveIntegerField(default=50, help_text="Messages per second across all workers.")
    webhook_token = models.CharField(max_length=64, unique=True, default=new_webhook_token)
    is_active = models.BooleanField(default=True)
    balance = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    balance_currency = models.CharField(max_length=8, blank=True, default="")
    balance_checked_at = models.DateTimeField(null=True, blank=True)
    last_check_ok = models.BooleanField(null=True, blank=True)
    last_check_message = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["account", "name"], name="connection_name_per_account")]

    def __str__(self) -> str:
        return f"{self.name} ({self.provider})"

    # Credentials are write-only from the outside: set them, never render them.
    def set_credentials(self, values: dict[str, str]) -> None:
        self.credentials_encrypted = encrypt_json({k: str(v) for k, v in values.items()})

    def get_credentials(self) -> dict[str, str]:
        return decrypt_json(self.credentials_encrypted)

    def credential_names(self) -> list[str]:
        return sorted(self.get_credentials())

    def webhook_path(self, kind: str = "") -> str:
        path = reverse("webhook", kwargs={"provider": self.provider, "token": self.webhook_token})
        return f"{path}{kind}/" if kind else path

    def webhook_url(self, kind: str = "") -> str:
        return settings.SITE_URL + self.webhook_path(kind)

    def backend_class(self):
        from providers.registry import backend_class

        return backend_class(self.provider)

    def capabilities(self) -> frozenset[Capability]:
        return self.backend_class().capabilities

    def serves(self, channel: str) -> bool:
        offered = {c.value for c in self.backend_class().channels()}
        return channel in offered and (not self.channels or channel in self.channels)

    def config(self) -> ConnectionConfig:
        return ConnectionConfig(
            id=self.pk,
            provider=self.provider,
            base_url=self.base_url,
            credentials=self.get_credentials(),
            settings=dict(self.settings or {}),
            webhook_url=self.webhook_url(),
            mps=self.mps,
        )

    def setting(self, name: str, default: Any = None) -> Any:
        return (self.settings or {}).get(name, default)


class ProviderCall(models.Model):
    """One HTTP exchange with a provider, secrets redacted, kept for a limited time."""

    connection = models.ForeignKey(ProviderConnection, null=True, blank=True, on_delete=models.SET_NULL, related_name="calls")
    account = models.ForeignKey("campaigns.Account", null=True, blank=True, on_delete=models.CASCADE, related_name="provider_calls")
    method = models.CharField(max_length=8)
    url = models.CharField(max_length=2000)
    request_headers = models.JSONField(default=dict, blank=True)
    request_body = models.TextField(blank=True, default="")
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True, default="")
    duration_ms = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["account", "-id"], name="providercall_account_recent")]

    def __str__(self) -> str:
        return f"{self.method} {self.url} -> {self.status_code or self.error}"

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class WebhookEvent(models.Model):
    """Every webhook body as received, stored before it is parsed, with its outcome."""

    class Outcome(models.TextChoices):
        RECEIVED = "received", "Received"
        APPLIED = "applied", "Applied"
        PARTIAL = "partial", "Partly applied"
        DUPLICATE = "duplicate", "Duplicate"
        UNKNOWN_MESSAGE = "unknown_message", "Unknown message"
        HELD = "held", "Held for its message"
        MALFORMED = "malformed", "Malformed"
        IGNORED = "ignored", "Ignored"
        ERROR = "error", "Error"

    connection = models.ForeignKey(ProviderConnection, null=True, on_delete=models.SET_NULL, related_name="webhook_events")
    account = models.ForeignKey("campaigns.Account", null=True, on_delete=models.CASCADE, related_name="webhook_events")
    provider = models.CharField(max_length=30)
    kind = models.CharField(max_length=40, blank=True, default="")
    method = models.CharField(max_length=8)
    content_type = models.CharField(max_length=200, blank=True, default="")
    query = models.JSONField(default=dict, blank=True)
    body = models.BinaryField(blank=True, default=b"", help_text="The raw body, byte for byte as received.")
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.RECEIVED, db_index=True)
    detail = models.TextField(blank=True, default="")
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.provider} webhook #{self.pk} ({self.outcome})"

    @property
    def raw_body(self) -> bytes:
        """The stored bytes (PostgreSQL hands a memoryview back)."""
        return bytes(self.body or b"")

    @property
    def body_text(self) -> str:
        """For display only: the body decoded as UTF-8, undecodable bytes shown as U+FFFD."""
        return self.raw_body.decode("utf-8", "replace")


class HeldReport(models.Model):
    """A status report that found no message yet: it overtook its own submission (the
    provider id was not recorded yet) or its message's id was never recorded (a crash).
    Kept and matched again when the id is recorded, by the periodic retry, or by adoption;
    given up (its event then says unknown_message) after a few days."""

    connection = models.ForeignKey(ProviderConnection, on_delete=models.CASCADE, related_name="held_reports")
    event = models.ForeignKey(WebhookEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="held_reports")
    provider_message_id = models.CharField(max_length=80, blank=True, default="")
    to = models.CharField(max_length=20, blank=True, default="")
    update = models.JSONField(help_text="The parsed status report.")
    received_at = models.DateTimeField()
    tries = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["connection", "provider_message_id"], name="held_report_provider_id"),
            models.Index(fields=["received_at"], name="held_report_received"),
        ]

    def __str__(self) -> str:
        return f"held report {self.provider_message_id or self.to} on connection {self.connection_id}"
