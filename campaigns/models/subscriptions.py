"""A contact's subscription to a provider's service (V-Appstore subscription/userSubscription
and subscription/notify), per connection."""

from __future__ import annotations

from django.db import models

from campaigns.models.contacts import Contact
from campaigns.models.tenancy import Account


class Subscription(models.Model):
    class Status(models.TextChoices):
        REGISTERED = "registered", "Registered"
        UNREGISTERED = "unregistered", "Unregistered"

    class Source(models.TextChoices):
        PROVIDER = "provider", "Provider notification"
        PORTAL = "portal", "Changed in the portal"
        API = "api", "Changed through the API"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="subscriptions")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="subscriptions")
    connection = models.ForeignKey("providers.ProviderConnection", on_delete=models.CASCADE, related_name="subscriptions")
    status = models.CharField(max_length=12, choices=Status.choices)
    frequency = models.CharField(max_length=20, blank=True, default="", help_text="As the provider says: monthly, daily...")
    since = models.DateTimeField(help_text="When the status last changed.")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.PROVIDER)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-since"]
        constraints = [models.UniqueConstraint(fields=["contact", "connection"], name="subscription_per_contact_connection")]
        indexes = [models.Index(fields=["connection", "status"], name="subscription_connection_status")]

    def __str__(self) -> str:
        return f"{self.contact_id} {self.status} on {self.connection_id}"
