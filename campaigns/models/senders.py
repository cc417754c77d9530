"""Sender IDs, message templates and voice recordings."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from campaigns.models.tenancy import Account, Subaccount

CHANNEL_CHOICES = [("sms", "SMS"), ("voice", "Voice"), ("whatsapp", "WhatsApp"), ("ussd", "USSD")]


class SenderID(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        DISABLED = "disabled", "Disabled"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="sender_ids")
    subaccount = models.ForeignKey(Subaccount, null=True, blank=True, on_delete=models.SET_NULL, related_name="sender_ids")
    channel = models.CharField(max_length=10, choices=CHANNEL_CHOICES, default="sms")
    value = models.CharField(max_length=20)
    connection = models.ForeignKey(
        "providers.ProviderConnection", null=True, blank=True, on_delete=models.SET_NULL, related_name="sender_ids"
    )
    # Where the sender may go: with neither ``connection`` nor ``approved_on``, on every
    # connection of the account; otherwise on ``connection`` and those in ``approved_on``
    # (campaigns/services/routing.py: sender_connection_ids).
    approved_on = models.ManyToManyField("providers.ProviderConnection", blank=True, related_name="approved_sender_ids")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED, db_index=True)
    purpose = models.CharField(max_length=200, blank=True, default="")
    decision_note = models.CharField(max_length=300, blank=True, default="")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["channel", "value"]
        constraints = [models.UniqueConstraint(fields=["account", "channel", "value"], name="sender_unique_per_account")]

    def __str__(self) -> str:
        return self.value

    @property
    def usable(self) -> bool:
        return self.status == self.Status.APPROVED


class Template(models.Model):
    class Kind(models.TextChoices):
        SMS = "sms", "SMS text"
        WHATSAPP = "whatsapp", "WhatsApp template"
        VOICE = "voice", "Voice call template"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="templates")
    subaccount = models.ForeignKey(Subaccount, null=True, blank=True, on_delete=models.SET_NULL, related_name="templates")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SMS)
    name = models.CharField(max_length=120)
    body = models.TextField(blank=True, default="", help_text="Text with {{ placeholders }}.")
    # WhatsApp: synced from a connection; voice: the provider's call flow.
    connection = models.ForeignKey(
        "providers.ProviderConnection", null=True, blank=True, on_delete=models.SET_NULL, related_name="templates"
    )
    provider_template_id = models.CharField(max_length=100, blank=True, default="")
    variables = models.JSONField(default=list, blank=True)
    language = models.CharField(max_length=20, blank=True, default="")
    category = models.CharField(max_length=40, blank=True, default="")
    has_media = models.BooleanField(default=False)
    provider_status = models.CharField(max_length=40, blank=True, default="")
    synced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "provider_template_id"],
                condition=~models.Q(provider_template_id=""),
                name="template_unique_remote_id",
            )
        ]

    def __str__(self) -> str:
        return self.name


class VoiceRecording(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending approval"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="recordings")
    subaccount = models.ForeignKey(Subaccount, null=True, blank=True, on_delete=models.SET_NULL, related_name="recordings")
    name = models.CharField(max_length=120)
    file = models.FileField(upload_to="recordings/%Y/%m/")
    content_type = models.CharField(max_length=60, blank=True, default="")
    duration_seconds = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    connection = models.ForeignKey(
        "providers.ProviderConnection", null=True, blank=True, on_delete=models.SET_NULL, related_name="recordings"
    )
    provider_reference = models.CharField(max_length=60, blank=True, default="", help_text="The provider's reference once approved.")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name
