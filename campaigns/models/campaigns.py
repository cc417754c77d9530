"""Campaigns: what to send, to whom, through which connection, and when."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from campaigns.models.senders import CHANNEL_CHOICES, SenderID, Template
from campaigns.models.tenancy import Account, Subaccount

CAP_MODES = [("skip", "Skip them"), ("defer", "Send when the cap allows")]


class Campaign(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        RUNNING = "running", "Running"
        PAUSED = "paused", "Paused"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"
        FAILED = "failed", "Failed"

    # Which status may go to which (launch, start, pause, resume, finish, cancel, fail).
    TRANSITIONS = {
        "draft": {"scheduled", "cancelled"},
        "scheduled": {"running", "paused", "cancelled", "failed", "draft"},
        "running": {"paused", "completed", "cancelled", "failed"},
        "paused": {"running", "scheduled", "cancelled", "failed"},
        "completed": set(),
        "cancelled": set(),
        "failed": set(),
    }

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="campaigns")
    subaccount = models.ForeignKey(Subaccount, null=True, blank=True, on_delete=models.SET_NULL, related_name="campaigns")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(max_length=150)
    channel = models.CharField(max_length=10, choices=CHANNEL_CHOICES, default="sms")
    connection = models.ForeignKey(
        "providers.ProviderConnection", null=True, blank=True, on_delete=models.PROTECT, related_name="campaigns"
    )
    sender = models.ForeignKey(SenderID, null=True, blank=True, on_delete=models.PROTECT, related_name="campaigns")
    template = models.ForeignKey(Template, null=True, blank=True, on_delete=models.SET_NULL, related_name="campaigns")
    text = models.TextField(blank=True, default="", help_text="SMS text (or voice OTP text) with {{ placeholders }}.")
    flash = models.BooleanField(default=False)
    # URLs in SMS/WhatsApp text become per-recipient short links (campaigns/services/links.py).
    track_links = models.BooleanField(default=True, help_text="Replace links with tracked short links.")
    # Channel options: voice {"kind", "recording", "call_template", "call_parameters", ...},
    # whatsapp {"type", "variables", "media_urls", "media"}, ussd {"steps": [...]}.
    content = models.JSONField(default=dict, blank=True)
    # Who to send to, resolved when the campaign starts: {"lists": [ids], "exclude_lists": [ids]},
    # or a resend: {"resend_of": campaign id, "statuses": [message statuses]}.
    audience = models.JSONField(default=dict, blank=True)
    send_at = models.DateTimeField(null=True, blank=True, help_text="Empty: as soon as launched.")
    timezone = models.CharField(max_length=64, default="UTC")
    allowed_start = models.TimeField(null=True, blank=True, help_text="Recipients' sends only after this local time.")
    allowed_end = models.TimeField(null=True, blank=True, help_text="...and before this one.")
    expires_at = models.DateTimeField(null=True, blank=True, help_text="What is not sent by then expires.")
    local_send_time = models.TimeField(null=True, blank=True, help_text="Send at this time in each recipient's own zone.")
    cap_mode = models.CharField(max_length=5, choices=CAP_MODES, default="skip")
    mps = models.PositiveIntegerField(null=True, blank=True, help_text="Messages per second cap for this campaign.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    status_reason = models.CharField(max_length=300, blank=True, default="")
    # Audience resolution results.
    recipients = models.PositiveIntegerField(default=0)
    dropped_suppressed = models.PositiveIntegerField(default=0)
    dropped_invalid = models.PositiveIntegerField(default=0)
    dropped_duplicate = models.PositiveIntegerField(default=0)
    dropped_capped = models.PositiveIntegerField(default=0)  # over the frequency cap, skipped
    deferred_capped = models.PositiveIntegerField(default=0)  # over the cap, sent once it allows
    deferred_quiet = models.PositiveIntegerField(default=0)  # waited for quiet hours to end
    # Of the messages now `expired`, how many were never handed to a provider (the campaign's
    # expiry came first): they are in no rate (campaigns/services/rates.py).
    expired_unsent = models.PositiveIntegerField(default=0)
    estimated_cost = models.DecimalField(max_digits=14, decimal_places=4, default=Decimal("0"))
    reserved_amount = models.DecimalField(max_digits=14, decimal_places=4, default=Decimal("0"))
    spent = models.DecimalField(max_digits=14, decimal_places=4, default=Decimal("0"))
    is_test = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    launched_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["account", "-created_at"], name="campaign_account_recent")]

    def __str__(self) -> str:
        return self.name

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.status]

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.SCHEDULED, self.Status.RUNNING, self.Status.PAUSED)


class SendWave(models.Model):
    """Recipients of a campaign due at one moment in one zone (local-time sending, quiet
    hours, deferrals by the frequency cap): written when the campaign materializes."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="waves")
    starts_at = models.DateTimeField()
    zone = models.CharField(max_length=64)
    reason = models.CharField(max_length=12, default="local_time")  # local_time | quiet_hours | cap
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["starts_at", "zone"]
        constraints = [models.UniqueConstraint(fields=["campaign", "starts_at", "zone", "reason"], name="sendwave_unique")]

    def __str__(self) -> str:
        return f"{self.zone} at {self.starts_at:%Y-%m-%d %H:%M}Z ({self.recipients})"
