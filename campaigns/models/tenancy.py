"""Tenants: accounts, subaccounts (cost centers) and users' memberships."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.text import slugify

MULTI_ZONE_RULES = [
    ("earliest", "The earliest of its zones"),
    ("latest", "The latest of its zones"),
    ("account", "The account's time zone"),
]
CAP_PERIODS = [("day", "24 hours"), ("week", "7 days"), ("month", "30 days")]


class Account(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    timezone = models.CharField(max_length=64, default="UTC")
    currency = models.CharField(max_length=3, default="USD")
    # Numbers written without a country code belong here (ISO 3166 alpha-2); from the zone when empty.
    country = models.CharField(max_length=2, blank=True, default="")
    # Below this balance the dashboard and billing page warn; empty for no warning.
    low_balance_threshold = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    # Always equal to the sum of the ledger; updated in the same transaction as each entry.
    balance = models.DecimalField(max_digits=14, decimal_places=4, default=Decimal("0"))
    # Part of the balance held for running campaigns (estimate minus what was charged).
    reserved = models.DecimalField(max_digits=14, decimal_places=4, default=Decimal("0"))
    # Auto-pause a campaign when this share of its recent sends fail (0..1).
    error_pause_threshold = models.DecimalField(max_digits=4, decimal_places=3, default=Decimal("0.5"))
    is_active = models.BooleanField(default=True)
    # Every user of the account must log in with a second factor (an account admin decides).
    require_mfa = models.BooleanField(default=False)
    # Send-time policy (campaigns/services/send_rules/): quiet hours in each recipient's local
    # time, which zone a number spanning several follows, and the frequency cap.
    quiet_hours_enabled = models.BooleanField(default=False)
    quiet_start = models.TimeField(default=time(21, 0), help_text="No marketing from this local time...")
    quiet_end = models.TimeField(default=time(8, 0), help_text="...until this one.")
    multi_zone_rule = models.CharField(max_length=8, choices=MULTI_ZONE_RULES, default="account")
    cap_messages = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Empty: no frequency cap.")
    cap_period = models.CharField(max_length=5, choices=CAP_PERIODS, default="day")
    cap_per_channel = models.BooleanField(default=False, help_text="Count each channel apart (else all channels together).")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.country:
            from campaigns.countries import country_for_zone

            self.country = country_for_zone(self.timezone)
        super().save(*args, **kwargs)

    @property
    def available(self) -> Decimal:
        return self.balance - self.reserved

    @property
    def phone_region(self) -> str | None:
        """The region numbers without a country code are read in (None: they need one)."""
        return self.country or None

    @property
    def balance_is_low(self) -> bool:
        return self.low_balance_threshold is not None and self.balance < self.low_balance_threshold

    @classmethod
    def unique_slug(cls, name: str) -> str:
        base = slugify(name)[:50] or "account"
        slug, n = base, 2
        while cls.objects.filter(slug=slug).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug


class Subaccount(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="subaccounts")
    name = models.CharField(max_length=120)
    credit_limit = models.DecimalField(
        max_digits=14, decimal_places=4, null=True, blank=True, help_text="Most this subaccount may spend; empty for no limit."
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["account", "name"], name="subaccount_name_per_account")]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    MARKETER = "marketer", "Marketer"
    VIEWER = "viewer", "Viewer"


class Membership(models.Model):
    """A user belongs to one account with one role (and a marketer to a subaccount)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MARKETER)
    subaccount = models.ForeignKey(Subaccount, null=True, blank=True, on_delete=models.SET_NULL, related_name="memberships")
    phone = models.CharField(max_length=20, blank=True, default="", help_text="For test sends to myself (E.164).")
    timezone = models.CharField(max_length=64, blank=True, default="", help_text="Empty: the account's time zone.")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user} @ {self.account} ({self.role})"

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def can_send(self) -> bool:
        return self.role in (Role.ADMIN, Role.MARKETER)
