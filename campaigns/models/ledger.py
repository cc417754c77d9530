"""Money: prices and the ledger (the balance is the sum of its entries)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from campaigns.models.senders import CHANNEL_CHOICES
from campaigns.models.tenancy import Account, Subaccount


class Price(models.Model):
    """Price per unit for a channel and destination prefix; the longest prefix wins."""

    class Unit(models.TextChoices):
        SEGMENT = "segment", "per SMS segment"
        PULSE30 = "pulse30", "per answered 30 s pulse"
        MESSAGE = "message", "per message"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="prices")
    channel = models.CharField(max_length=10, choices=CHANNEL_CHOICES)
    prefix = models.CharField(max_length=12, blank=True, default="", help_text="E.164 digits without +; empty for every destination.")
    unit = models.CharField(max_length=10, choices=Unit.choices, default=Unit.SEGMENT)
    amount = models.DecimalField(max_digits=10, decimal_places=5)

    class Meta:
        ordering = ["channel", "prefix"]
        constraints = [models.UniqueConstraint(fields=["account", "channel", "prefix"], name="price_once")]

    def __str__(self) -> str:
        return f"{self.channel} +{self.prefix or '*'}: {self.amount} {self.unit}"


class LedgerEntry(models.Model):
    class Kind(models.TextChoices):
        TOPUP = "topup", "Top-up"
        CHARGE = "charge", "Charge"
        REFUND = "refund", "Refund"
        ADJUSTMENT = "adjustment", "Adjustment"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="ledger")
    subaccount = models.ForeignKey(Subaccount, null=True, blank=True, on_delete=models.SET_NULL, related_name="ledger")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    amount = models.DecimalField(max_digits=14, decimal_places=5, help_text="Positive adds to the balance.")
    balance_after = models.DecimalField(max_digits=14, decimal_places=4)
    campaign = models.ForeignKey("campaigns.Campaign", null=True, blank=True, on_delete=models.SET_NULL, related_name="ledger")
    message = models.ForeignKey("campaigns.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="ledger")
    description = models.CharField(max_length=300, blank=True, default="")
    message_count = models.PositiveIntegerField(default=0, help_text="Messages a charge covers.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "ledger entries"

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}"
