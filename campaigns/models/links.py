"""Tracked short links (one per recipient per URL of a campaign's text) and their clicks."""

from __future__ import annotations

from django.db import models

from campaigns.models.campaigns import Campaign
from campaigns.models.contacts import Contact
from campaigns.models.messages import Message
from campaigns.models.tenancy import Account


class ShortLink(models.Model):
    """``/l/<code>`` redirects to ``url``. Created in bulk when a campaign's messages are made."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.CASCADE, related_name="short_links")
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.CASCADE, related_name="short_links")
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="short_links")
    url = models.CharField(max_length=2000)
    code = models.CharField(max_length=16, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["campaign", "url"], name="shortlink_campaign_url")]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "url"], condition=models.Q(message__isnull=False), name="shortlink_once_per_message_url"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} -> {self.url}"


class Click(models.Model):
    """One request for a short link. Bots and link previews are kept (``is_bot``) but counted apart."""

    link = models.ForeignKey(ShortLink, on_delete=models.CASCADE, related_name="clicks")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.CASCADE, related_name="clicks")
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="clicks")
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="clicks")
    clicked_at = models.DateTimeField()
    user_agent = models.CharField(max_length=300, blank=True, default="")
    is_bot = models.BooleanField(default=False)
    bot_reason = models.CharField(max_length=40, blank=True, default="", help_text="head | preview agent | too soon after delivery")

    class Meta:
        ordering = ["-clicked_at"]
        indexes = [
            models.Index(fields=["campaign", "is_bot", "clicked_at"], name="click_campaign_time"),
            models.Index(fields=["account", "is_bot", "clicked_at"], name="click_account_time"),
            models.Index(fields=["contact", "-clicked_at"], name="click_contact_recent"),
        ]

    def __str__(self) -> str:
        return f"click on {self.link_id} at {self.clicked_at:%Y-%m-%d %H:%M:%S}"
