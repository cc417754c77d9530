"""Messages (one per recipient), inbound messages, USSD sessions, OTPs and counts."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils import timezone

from campaigns.models.campaigns import Campaign
from campaigns.models.contacts import Contact
from campaigns.models.senders import CHANNEL_CHOICES
from campaigns.models.tenancy import Account, Subaccount
from providers.base import MessageStatus

STATUS_CHOICES = [(s.value, s.value.title()) for s in MessageStatus]


def current_hour():
    """Now, truncated to the hour (the bucket of a StatusCount row)."""
    from django.utils import timezone

    return timezone.now().replace(minute=0, second=0, microsecond=0)


class Message(models.Model):
    # Foreign keys with db_index=False are served by an index of Meta.indexes (one led by the
    # column, or a partial one of its non-null rows): each index is written for every message.
    # The four every campaign message has (account, campaign, contact, connection) are not
    # checked by the database (db_constraint=False): their checks were more than half of an
    # insert's cost on PostgreSQL (measured at 100k rows: 37-42 us a row with them, 15-16
    # without). Deleting a parent goes through Django, which cascades, nulls or protects as
    # on_delete says, as it does with the constraint (Django never leaves that to the database).
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="messages", db_index=False, db_constraint=False)
    subaccount = models.ForeignKey(Subaccount, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages", db_index=False)
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.CASCADE, related_name="messages", db_index=False, db_constraint=False
    )
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages", db_constraint=False)
    # A test send from the composer: rendered like the campaign's messages, counted in none of its figures.
    test_of = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.CASCADE, related_name="test_messages", db_index=False)
    # The connection that carries (or carried) the message, chosen by the router; the ones it
    # left before are its route_attempts (failover).
    # The A/B test variant this message carries (campaigns/services/ab_tests.py).
    variant = models.ForeignKey(
        "campaigns.CampaignVariant", null=True, blank=True, on_delete=models.SET_NULL, related_name="messages", db_index=False
    )
    connection = models.ForeignKey(
        "providers.ProviderConnection", on_delete=models.PROTECT, related_name="messages", db_index=False, db_constraint=False
    )
    route = models.ForeignKey("campaigns.Route", null=True, blank=True, on_delete=models.SET_NULL, related_name="messages", db_index=False)
    channel = models.CharField(max_length=10, choices=CHANNEL_CHOICES, default="sms")
    sender = models.CharField(max_length=20, blank=True, default="")
    to = models.CharField(max_length=20)
    text = models.TextField(blank=True, default="")
    payload = models.JSONField(default=dict, blank=True, help_text="Channel options, rendered.")
    flash = models.BooleanField(default=False)
    encoding = models.CharField(max_length=5, default="gsm7")
    segments = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=12, choices=STATUS_CHOICES, default=MessageStatus.PENDING)
    error_code = models.CharField(max_length=30, blank=True, default="")
    error_raw = models.CharField(max_length=60, blank=True, default="", help_text="The provider's own code.")
    error_message = models.CharField(max_length=300, blank=True, default="")
    provider_message_id = models.CharField(max_length=80, blank=True, default="")
    network = models.CharField(max_length=60, blank=True, default="")
    price = models.DecimalField(max_digits=12, decimal_places=5, default=Decimal("0"), help_text="Unit price reserved.")
    cost = models.DecimalField(max_digits=12, decimal_places=5, default=Decimal("0"), help_text="What was charged.")
    # What the connection charges us (its rate card, or the provider's own figure once it
    # answers with one): margin = cost - connection_cost.
    connection_cost = models.DecimalField(max_digits=12, decimal_places=5, default=Decimal("0"))
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # When it is planned to go out (recipient local time, quiet hours, cap): what frequency
    # caps count. Its first next_attempt_at, so the pipeline's due query holds it back.
    not_before = models.DateTimeField(default=timezone.now)
    transactional = models.BooleanField(default=False, help_text="OTP, alerts: exempt from caps and quiet hours.")
    call_outcome = models.CharField(max_length=20, blank=True, default="")
    call_dtmf = models.CharField(max_length=40, blank=True, default="")
    call_duration = models.PositiveIntegerField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=120, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            # With id: a range claim / next-ids lookup reads only the campaign's pending rows in
            # id order (PostgreSQL otherwise walked the primary key through every delivered row).
            models.Index(fields=["campaign", "status", "id"], name="message_campaign_status_id"),
            # Every index is written again by each status change (claim, result, report), so
            # the ones serving rare lookups cover only the rows those lookups want. Reports
            # match by provider id: only rows that have one (queries exclude the empty id).
            models.Index(
                fields=["connection", "provider_message_id"], condition=~models.Q(provider_message_id=""), name="message_provider_id"
            ),
            models.Index(fields=["account", "-id"], name="message_account_recent"),
            # Claims left queued (the tick): only queued rows, so the rest of a message's life
            # (pending, submitted, delivered) never writes this index.
            models.Index(fields=["queued_at"], condition=models.Q(status="queued"), name="message_queued"),
            # Unknown messages to reconcile, and to adopt a report by, per connection.
            models.Index(fields=["connection", "id"], condition=models.Q(status="unknown"), name="message_connection_unknown"),
            # The tick finds single sends left pending, and the queue depth counts them, without
            # reading a campaign's backlog.
            models.Index(fields=["status", "updated_at"], condition=models.Q(campaign__isnull=True), name="message_single_stuck"),
            # Frequency caps, a conversation's thread and the reply to the last message sent
            # to a number (with its connection as a filter).
            models.Index(fields=["account", "to", "not_before"], name="message_cap_window"),
            # The nullable foreign keys: only the rows that have one.
            models.Index(fields=["subaccount"], condition=models.Q(subaccount__isnull=False), name="message_subaccount"),
            models.Index(fields=["test_of"], condition=models.Q(test_of__isnull=False), name="message_test_of"),
            models.Index(fields=["variant"], condition=models.Q(variant__isnull=False), name="message_variant"),
            models.Index(fields=["route"], condition=models.Q(route__isnull=False), name="message_route"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="message_idempotency_key",
            ),
            # One message per recipient of a campaign, however many processes materialize it
            # (test sends have no campaign; a resend is a campaign of its own).
            models.UniqueConstraint(
                fields=["campaign", "contact"],
                condition=models.Q(campaign__isnull=False, contact__isnull=False, test_of__isnull=True),
                name="message_campaign_contact",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} to {self.to} ({self.status})"

    @property
    def is_test(self) -> bool:
        return self.test_of_id is not None


class StatusCount(models.Model):
    """Per-campaign status counts as small delta rows, squashed periodically.

    Writers insert rows (never update a shared one), so they do not serialize;
    readers sum a handful of rows per status."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.CASCADE, related_name="status_counts")
    status = models.CharField(max_length=12, choices=STATUS_CHOICES)
    count = models.IntegerField(default=0)
    is_squashed = models.BooleanField(default=False)
    # The hour (UTC) the statuses changed: the dashboard's periods read "what ended when" from
    # these rows, never from the messages. Squashing keeps one row per hour.
    hour = models.DateTimeField(null=True, blank=True, default=current_hour)
    # Expiries of messages never handed to a provider (status "expired"): in no rate.
    not_sent = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["campaign", "status"], name="statuscount_campaign"),
            models.Index(fields=["account", "hour"], name="statuscount_account_hour"),
        ]


class InboundMessage(models.Model):
    class Kind(models.TextChoices):
        SMS = "sms", "SMS"
        USSD = "ussd", "USSD"
        DTMF = "dtmf", "DTMF"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="inbound_messages")
    connection = models.ForeignKey("providers.ProviderConnection", null=True, on_delete=models.SET_NULL, related_name="inbound_messages")
    kind = models.CharField(max_length=6, choices=Kind.choices, default=Kind.SMS)
    from_number = models.CharField(max_length=20)
    to = models.CharField(max_length=20, blank=True, default="")
    text = models.TextField(blank=True, default="")
    provider_message_id = models.CharField(max_length=80, blank=True, default="")
    session_id = models.CharField(max_length=80, blank=True, default="")
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound_messages")
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound_messages")
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="replies")
    conversation = models.ForeignKey(
        "campaigns.Conversation", null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound_messages"
    )
    is_opt_out = models.BooleanField(default=False)
    raw = models.JSONField(default=dict, blank=True)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "provider_message_id"],
                condition=~models.Q(provider_message_id=""),
                name="inbound_dedupe_provider_id",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} from {self.from_number}"


class UssdSession(models.Model):
    """One recipient's walk through a USSD menu campaign, with each step's answer."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        COMPLETED = "completed", "Completed"
        ABANDONED = "abandoned", "Abandoned"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="ussd_sessions")
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    phone = models.CharField(max_length=20)
    session_id = models.CharField(max_length=80, db_index=True)
    step = models.PositiveSmallIntegerField(default=0)
    answers = models.JSONField(default=list, blank=True, help_text='[{"step": 0, "question": .., "answer": ..}]')
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)


class OtpRequest(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="otp_requests")
    subaccount = models.ForeignKey(Subaccount, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    connection = models.ForeignKey("providers.ProviderConnection", on_delete=models.PROTECT, related_name="+")
    to = models.CharField(max_length=20)
    channel = models.CharField(max_length=10, default="sms")
    code_hash = models.CharField(max_length=128, blank=True, default="", help_text="Empty when the provider keeps the code.")
    provider_reference = models.CharField(max_length=120, blank=True, default="")
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(default=5)
    expires_at = models.DateTimeField()
    verified_at = models.DateTimeField(null=True, blank=True)
    # The provider's charging notification for a charge the OTP authorised (V-Appstore CaaS).
    charge_status = models.CharField(max_length=10, blank=True, default="", help_text="paid | failed, once notified.")
    charge_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True, help_text="What was paid.")
    charge_currency = models.CharField(max_length=8, blank=True, default="")
    charge_detail = models.CharField(max_length=300, blank=True, default="")
    charged_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
