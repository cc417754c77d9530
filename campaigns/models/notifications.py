"""Notifications: one Notice per thing that happened (unique key), one Notification per recipient."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from campaigns.models.tenancy import Account


class NoticeKind(models.TextChoices):
    CAMPAIGN_FINISHED = "campaign_finished", "Campaign finished"
    CAMPAIGN_PAUSED = "campaign_paused", "Campaign paused automatically"
    LOW_BALANCE = "low_balance", "Balance below the threshold"
    SENDER_DECIDED = "sender_decided", "Sender ID approved or rejected"
    RECORDING_APPROVED = "recording_approved", "Voice recording approved"
    IMPORT_FINISHED = "import_finished", "Contact import finished"
    CONNECTION_OUT = "connection_out", "Connection taken out of rotation"
    AB_TEST_PICK = "ab_test_pick", "A/B test waiting for you to pick the winner"


def all_kinds() -> list[str]:
    return list(NoticeKind.values)


class Notice(models.Model):
    """What happened, once: the unique key makes a repeated event (a retried task, a second
    worker) a no-op, so recipients are notified exactly once."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=30, choices=NoticeKind.choices)
    key = models.CharField(max_length=120, unique=True)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, default="")
    link = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class Notification(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="notifications")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["notice", "user"], name="notification_once_per_user")]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]


class NotificationPreference(models.Model):
    """Which kinds a user gets in the portal and by e-mail (no row: everything, both ways)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference")
    in_app = models.JSONField(default=all_kinds)
    email = models.JSONField(default=all_kinds)
