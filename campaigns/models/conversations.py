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
    # Messages from the contact in the thread. What one user has not read yet is what came
    # after their ConversationRead (each user has their own; see services/conversations.py).
    inbound_count = models.PositiveIntegerField(default=0, help_text="Messages from the contact in this thread.")
    last_message_at = models.DateTimeField()
    last_inbound_at = models.DateTimeField(null=True, blank=True)
    last_text = models.CharField(max_length=200, blank=True, default="")
    last_direction = models.CharField(max_length=3, choices=Direction.choices, default=Direction.IN)
    # Who last opened the thread, and when (each user's own read marker: ConversationRead).
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


class ConversationRead(models.Model):
    """How far one user has read one conversation: unread for them is what came after."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seen = models.PositiveIntegerField(default=0, help_text="The conversation's inbound_count when they last opened it.")
    read_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["conversation", "user"], name="conversation_read_once_per_user")]

    def __str__(self) -> str:
        return f"{self.user} read {self.conversation} up to {self.seen}"
