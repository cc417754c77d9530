"""Conversations: one thread per contact number (and subaccount) in an account.

A conversation row is the inbox's index: it is kept current by the service functions that
record an inbound message or send a single message (``campaigns/services/conversations.py``),
never rebuilt per request. The thread itself is read from the messages both ways."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from campaigns.models.campaigns import Campaign
from campaigns.models.contacts import Contact
from campaigns.models.tenancy import Account, Subaccount


class Conversation(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"

    class Direction(models.TextChoices):
        IN = "in", "From the contact"
        OUT = "out", "To the contact"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="conversations")
    # The subaccount whose message the contact answered; none = shared by the whole account.
    subaccount = models.ForeignKey(Subaccount, null=True, blank=True, on_delete=models.CASCADE, related_name="conversations")
    phone = models.CharField(max_length=20)
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="conversations")
    # Where the contact last wrote: replies go back through this connection and number.
    connection = models.ForeignKey("providers.ProviderConnection", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    sender = models.CharField(max_length=20, blank=True, default="", help_text="The number or short code the contact wrote to.")
    last_campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=5, choices=Status.choices, default=Status.OPEN)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_conversations"
    )
    unread = models.PositiveIntegerField(default=0, help_text="Messages from the contact since someone last opened the thread.")
    last_message_at = models.DateTimeField()
    last_inbound_at = models.DateTimeField(null=True, blank=True)
    last_text = models.CharField(max_length=200, blank=True, default="")
    last_direction = models.CharField(max_length=3, choices=Direction.choices, default=Direction.IN)
    # The read marker: who last opened the thread, and when.
    read_at = models.DateTimeField(null=True, blank=True)
    read_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-last_message_at", "-id"]
        indexes = [
            models.Index(fields=["account", "status", "-last_message_at"], name="conversation_inbox"),
            models.Index(fields=["account", "phone"], name="conversation_phone"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "subaccount", "phone"],
                condition=models.Q(subaccount__isnull=False),
                name="conversation_once_per_subaccount",
            ),
            models.UniqueConstraint(
                fields=["account", "phone"], condition=models.Q(subaccount__isnull=True), name="conversation_once_account_wide"
            ),
        ]

    def __str__(self) -> str:
        return f"conversation with {self.phone}"

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE
