"""Routing: which of an account's connections carries a message (routes), what each
connection costs per destination (rate cards), the health of each connection (circuit
breaker) and the connections a message tried before the one that carried it.

The questions are answered in campaigns/services/routing.py; these are only the records."""

from __future__ import annotations

from django.db import models

from campaigns.models.senders import CHANNEL_CHOICES
from campaigns.models.tenancy import Account, Subaccount


class Route(models.Model):
    """For one channel and a destination match, the connections to use and how to choose.

    The most specific matching route wins: a number prefix (the longest first), then a
    mobile network, then a country, then the default route. A route limited to a
    subaccount beats an account-wide one of the same specificity."""

    class Match(models.TextChoices):
        PREFIX = "prefix", "Number prefix"
        NETWORK = "network", "Mobile network"
        COUNTRY = "country", "Country"
        DEFAULT = "default", "Every destination"

    class Strategy(models.TextChoices):
        PRIORITY = "priority", "In order (the next one when one fails)"
        WEIGHTED = "weighted", "Split by weight"
        LEAST_COST = "least_cost", "Least cost"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="routes")
    subaccount = models.ForeignKey(
        Subaccount, null=True, blank=True, on_delete=models.CASCADE, related_name="routes", help_text="Empty: every subaccount."
    )
    name = models.CharField(max_length=100)
    channel = models.CharField(max_length=10, choices=CHANNEL_CHOICES, default="sms")
    match_kind = models.CharField(max_length=10, choices=Match.choices, default=Match.DEFAULT)
    # prefix: E.164 digits without "+" ("92300"); network: the network's name as carrier
    # lookups store it on contacts ("Jazz"); country: ISO 3166 alpha-2 ("PK"); default: "".
    match_value = models.CharField(max_length=60, blank=True, default="")
    strategy = models.CharField(max_length=12, choices=Strategy.choices, default=Strategy.PRIORITY)
    enabled = models.BooleanField(default=True)
    connections = models.ManyToManyField("providers.ProviderConnection", through="RouteConnection", related_name="routes")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["channel", "name"]
        constraints = [models.UniqueConstraint(fields=["account", "name"], name="route_name_per_account")]
        indexes = [models.Index(fields=["account", "channel", "enabled"], name="route_lookup")]

    def __str__(self) -> str:
        return self.name


class RouteConnection(models.Model):
    """One connection of a route: its place in the order (priority, failover) and its weight."""

    route = models.ForeignKey(Route, on_delete=models.CASCADE, related_name="members")
    connection = models.ForeignKey("providers.ProviderConnection", on_delete=models.CASCADE, related_name="route_members")
    position = models.PositiveSmallIntegerField(default=0, help_text="Lower goes first.")
    weight = models.PositiveIntegerField(default=1, help_text="Share of traffic on a weighted route.")

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["route", "connection"], name="route_connection_once")]

    def __str__(self) -> str:
        return f"{self.route} #{self.position}: {self.connection_id}"


class RateCardEntry(models.Model):
    """What one connection costs us for a channel and destination prefix (longest wins)."""

    class Unit(models.TextChoices):
        SEGMENT = "segment", "per SMS segment"
        PULSE30 = "pulse30", "per answered 30 s pulse"
        MINUTE = "minute", "per minute"
        MESSAGE = "message", "per message"

    connection = models.ForeignKey("providers.ProviderConnection", on_delete=models.CASCADE, related_name="rates")
    channel = models.CharField(max_length=10, choices=CHANNEL_CHOICES, default="sms")
    prefix = models.CharField(max_length=15, blank=True, default="", help_text="E.164 digits without +; empty for every destination.")
    unit = models.CharField(max_length=10, choices=Unit.choices, default=Unit.SEGMENT)
    price = models.DecimalField(max_digits=12, decimal_places=5)
    currency = models.CharField(max_length=3, default="USD")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["connection", "channel", "prefix"]
        constraints = [models.UniqueConstraint(fields=["connection", "channel", "prefix"], name="rate_once_per_prefix")]
        verbose_name_plural = "rate card entries"

    def __str__(self) -> str:
        return f"{self.channel} +{self.prefix or '*'}: {self.price} {self.currency} {self.unit}"


class ConnectionHealth(models.Model):
    """The circuit breaker of one connection: closed (in rotation), open (skipped by the
    router until ``open_until``), half-open (one probe chunk may go; its success closes the
    breaker, its failure opens it again)."""

    class State(models.TextChoices):
        CLOSED = "closed", "In rotation"
        OPEN = "open", "Out of rotation"
        HALF_OPEN = "half_open", "Probing"

    connection = models.OneToOneField("providers.ProviderConnection", on_delete=models.CASCADE, primary_key=True, related_name="health")
    state = models.CharField(max_length=10, choices=State.choices, default=State.CLOSED)
    consecutive_failures = models.PositiveIntegerField(default=0)
    open_until = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    times_opened = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True, default="")
    last_failure_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "connection health"

    def __str__(self) -> str:
        return f"{self.connection_id}: {self.state}"


class RouteAttempt(models.Model):
    """A connection a message was on and left: the provider certainly did not take it there
    (failover), or the connection was out of rotation before it was sent."""

    class Outcome(models.TextChoices):
        FAILED_OVER = "failed_over", "Refused, moved to the next connection"
        SKIPPED = "skipped", "Connection out of rotation, moved before sending"

    message = models.ForeignKey("campaigns.Message", on_delete=models.CASCADE, related_name="route_attempts")
    connection = models.ForeignKey("providers.ProviderConnection", null=True, on_delete=models.SET_NULL, related_name="+")
    moved_to = models.ForeignKey("providers.ProviderConnection", null=True, on_delete=models.SET_NULL, related_name="+")
    outcome = models.CharField(max_length=12, choices=Outcome.choices, default=Outcome.FAILED_OVER)
    error_code = models.CharField(max_length=30, blank=True, default="")
    error_raw = models.CharField(max_length=60, blank=True, default="")
    error_message = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"message {self.message_id}: {self.connection_id} -> {self.moved_to_id} ({self.error_code})"
