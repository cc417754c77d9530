"""A/B tests: a campaign's 2-4 content variants and how the winner is chosen."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from campaigns.models.campaigns import Campaign

VARIANT_LABELS = ["A", "B", "C", "D"]


class CampaignVariant(models.Model):
    """One version of a campaign's content. Variant A is the campaign's own text and
    content (what the content step edits); B-D carry their own."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="variants")
    label = models.CharField(max_length=1, choices=[(v, v) for v in VARIANT_LABELS])
    text = models.TextField(blank=True, default="")
    content = models.JSONField(default=dict, blank=True, help_text="Channel options; empty: the campaign's.")

    class Meta:
        ordering = ["label"]
        constraints = [models.UniqueConstraint(fields=["campaign", "label"], name="variant_label_unique")]

    def __str__(self) -> str:
        return f"Variant {self.label}"


class ABTest(models.Model):
    class Mode(models.TextChoices):
        SPLIT = "split", "Split the whole audience"
        WINNER = "winner", "Test a share first, then send the winner"

    class Metric(models.TextChoices):
        DELIVERY = "delivery", "Delivery rate"
        CLICKS = "clicks", "Click-through rate"
        REPLIES = "replies", "Reply rate"

    class Phase(models.TextChoices):
        DRAFT = "", "Not started"
        SPLIT = "split", "Sending every variant"
        TESTING = "testing", "Testing on a share"
        AWAITING_PICK = "awaiting_pick", "Waiting for you to pick a winner"
        WINNER = "winner", "Sending the winner to the rest"

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="ab_test")
    mode = models.CharField(max_length=8, choices=Mode.choices, default=Mode.WINNER)
    test_share = models.PositiveSmallIntegerField(default=20, help_text="Percent of the audience that gets the test.")
    wait_minutes = models.PositiveIntegerField(default=240, help_text="How long the test runs before the winner is picked.")
    metric = models.CharField(max_length=10, choices=Metric.choices, default=Metric.DELIVERY)
    auto_pick = models.BooleanField(default=True, help_text="Off: the marketer picks the winner.")
    phase = models.CharField(max_length=16, choices=Phase.choices, default=Phase.DRAFT, blank=True)
    decide_at = models.DateTimeField(null=True, blank=True)
    winner = models.ForeignKey(CampaignVariant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    picked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    picked_at = models.DateTimeField(null=True, blank=True)
    pick_reason = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["phase", "decide_at"], name="abtest_due")]

    def __str__(self) -> str:
        return f"A/B test of {self.campaign_id}"
