"""Keyword rules (what a one-word reply does) and the consent history of each contact."""

from __future__ import annotations

from django.db import models

from campaigns.models.contacts import Contact
from campaigns.models.senders import CHANNEL_CHOICES
from campaigns.models.tenancy import Account


class KeywordRule(models.Model):
    class Action(models.TextChoices):
        OPT_OUT = "opt_out", "Opt out"
        OPT_IN = "opt_in", "Opt in"
        HELP = "help", "Help"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="keyword_rules")
    keyword = models.CharField(max_length=40, help_text="The whole reply, e.g. STOP. Case and accents are ignored.")
    normalized = models.CharField(max_length=40, editable=False)
    action = models.CharField(max_length=8, choices=Action.choices)
    reply_text = models.CharField(
        max_length=480, blank=True, default="", help_text="Sent back to the contact. Leave empty to answer nothing."
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["action", "keyword"]
        constraints = [models.UniqueConstraint(fields=["account", "normalized"], name="keyword_once_per_account")]

    def __str__(self) -> str:
        return f"{self.keyword} ({self.get_action_display()})"

    def save(self, *args, **kwargs) -> None:
        from campaigns.services.keywords import normalize

        self.normalized = normalize(self.keyword)
        super().save(*args, **kwargs)


class ConsentRecord(models.Model):
    class Status(models.TextChoices):
        OPTED_IN = "opted_in", "Opted in"
        OPTED_OUT = "opted_out", "Opted out"

    class Source(models.TextChoices):
        KEYWORD = "keyword", "Keyword reply"
        IMPORT = "import", "Import"
        API = "api", "API"
        ADMIN = "admin", "Admin action"
        PROVIDER = "provider", "Provider notification"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="consent_records")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="consent_records")
    channel = models.CharField(max_length=10, choices=CHANNEL_CHOICES, default="sms")
    status = models.CharField(max_length=10, choices=Status.choices)
    source = models.CharField(max_length=10, choices=Source.choices)
    detail = models.CharField(max_length=200, blank=True, default="", help_text="The keyword, file name, API key or user.")
    proof = models.CharField(max_length=200, blank=True, default="", help_text="The inbound message id or the file.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["contact", "channel", "-created_at"], name="consent_latest")]

    def __str__(self) -> str:
        return f"{self.contact_id} {self.channel} {self.status}"
