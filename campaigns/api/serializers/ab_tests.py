"""A/B tests in the API: a campaign's variants and test settings (written with the
campaign), the per-variant results (in its stats) and the marketer's pick."""

from __future__ import annotations

from rest_framework import serializers

from campaigns.api.serializers.common import request_scope
from campaigns.models import ABTest, Campaign, CampaignVariant
from campaigns.models.ab_tests import VARIANT_LABELS


class VariantSerializer(serializers.Serializer):
    label = serializers.CharField(read_only=True, help_text="A, B, C, D in the order given.")
    text = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=5000, help_text="The variant's text; A's is the campaign's own text."
    )
    content = serializers.DictField(required=False, default=dict, help_text="Channel options; empty: the campaign's.")


class ABTestSerializer(serializers.Serializer):
    variants = VariantSerializer(many=True, help_text="2-4 variants; the first (A) is the campaign's own content.")
    mode = serializers.ChoiceField(choices=ABTest.Mode.choices, default=ABTest.Mode.WINNER)
    test_share = serializers.IntegerField(min_value=2, max_value=90, default=20, help_text="Percent of the audience that gets the test.")
    wait_minutes = serializers.IntegerField(min_value=1, max_value=7 * 24 * 60, default=240, help_text="How long the test runs.")
    metric = serializers.ChoiceField(choices=ABTest.Metric.choices, default=ABTest.Metric.DELIVERY)
    auto_pick = serializers.BooleanField(default=True, help_text="False: the campaign waits for a pick (POST pick_winner).")
    phase = serializers.ChoiceField(choices=ABTest.Phase.choices, read_only=True)
    decide_at = serializers.DateTimeField(read_only=True, allow_null=True)
    winner = serializers.CharField(read_only=True, allow_null=True, help_text="The winner's label, once picked.")
    pick_reason = serializers.CharField(read_only=True)

    def get_attribute(self, instance: Campaign) -> Campaign:
        return instance  # read from the campaign's variants and test rows

    def to_representation(self, campaign: Campaign) -> dict | None:
        return ab_test_data(campaign)

    def validate(self, attrs: dict) -> dict:
        if "variants" not in attrs:  # a partial update still replaces the whole test
            raise serializers.ValidationError({"variants": ["Give the 2-4 variants (the first is the campaign's own text)."]})
        return attrs

    def validate_variants(self, variants: list[dict]) -> list[dict]:
        if not 2 <= len(variants) <= len(VARIANT_LABELS):
            raise serializers.ValidationError("Give 2 to 4 variants.")
        from campaigns.rendering import account_fields, problems

        known = account_fields(request_scope(self).account.pk)
        found = {}
        for label, variant in zip(VARIANT_LABELS, variants, strict=False):
            listed = problems(variant.get("text", ""), known)
            if listed:
                found[label] = listed
        if found:
            raise serializers.ValidationError([f"Variant {label}: {' '.join(p)}" for label, p in found.items()])
        return variants


def ab_test_data(campaign: Campaign) -> dict | None:
    """The campaign's A/B test as the API shows it (None: not an A/B campaign)."""
    test = ABTest.objects.filter(campaign_id=campaign.pk).select_related("winner").first()
    if test is None:
        return None
    variants = [
        {"label": v.label, "text": campaign.text if v.label == "A" else v.text, "content": v.content}
        for v in CampaignVariant.objects.filter(campaign_id=campaign.pk).order_by("label")
    ]
    return {
        "variants": variants,
        "mode": test.mode,
        "test_share": test.test_share,
        "wait_minutes": test.wait_minutes,
        "metric": test.metric,
        "auto_pick": test.auto_pick,
        "phase": test.phase,
        "decide_at": test.decide_at,
        "winner": test.winner.label if test.winner else None,
        "pick_reason": test.pick_reason,
    }


def first_variant_text(data: dict | None, text: str | None) -> str | None:
    """The campaign text variant A sets (None: leave it). A's text and the campaign's text are one."""
    if not data:
        return None
    first = (data.get("variants") or [{}])[0].get("text", "")
    if first and text and first != text:
        raise serializers.ValidationError({"ab_test": ["Variant A is the campaign's own text: give it once (text, or variants[0].text)."]})
    return first or None


def save_ab_test(campaign: Campaign, data: dict | None) -> None:
    """Replace the campaign's variants and test settings (``None``: no A/B test)."""
    from campaigns.services.ab_tests import configure

    if not data:
        configure(campaign, None)
        return
    settings = {k: data[k] for k in ("mode", "test_share", "wait_minutes", "metric", "auto_pick") if k in data}
    configure(campaign, data["variants"][1:], settings)


class VariantResultSerializer(serializers.Serializer):
    label = serializers.CharField()
    text = serializers.CharField(allow_blank=True)
    messages = serializers.IntegerField()
    sent = serializers.IntegerField(help_text="Handed to a provider.")
    delivered = serializers.IntegerField()
    delivery_rate = serializers.FloatField(allow_null=True, help_text="Percent, as the campaign's delivery rate.")
    unique_clickers = serializers.IntegerField()
    click_through_rate = serializers.FloatField(allow_null=True, help_text="Unique clickers ÷ delivered, percent.")
    repliers = serializers.IntegerField(help_text="Recipients who sent a message after theirs.")
    reply_rate = serializers.FloatField(allow_null=True, help_text="Repliers ÷ delivered, percent.")
    metric_rate = serializers.FloatField(allow_null=True, help_text="The test's metric, percent.")
    p_value = serializers.FloatField(allow_null=True, help_text="Two-proportion z-test against the leader (null for the leader).")
    verdict = serializers.CharField(allow_blank=True, help_text="The p-value in words.")
    is_leader = serializers.BooleanField()
    is_winner = serializers.BooleanField()


class ABTestResultsSerializer(serializers.Serializer):
    phase = serializers.ChoiceField(choices=ABTest.Phase.choices)
    metric = serializers.ChoiceField(choices=ABTest.Metric.choices)
    winner = serializers.CharField(allow_null=True)
    pick_reason = serializers.CharField(allow_blank=True)
    significant = serializers.BooleanField(help_text="The leader's lead over another variant is 95% sure not to be chance.")
    variants = VariantResultSerializer(many=True)


def ab_results_data(campaign: Campaign) -> dict | None:
    from campaigns.services.ab_results import variant_results

    test = ABTest.objects.filter(campaign_id=campaign.pk).select_related("winner").first()
    if test is None:
        return None
    results = variant_results(campaign, test)
    return {
        "phase": test.phase,
        "metric": test.metric,
        "winner": test.winner.label if test.winner else None,
        "pick_reason": test.pick_reason,
        "significant": results.significant,
        "variants": [v.as_dict() for v in results.variants],
    }


class PickWinnerSerializer(serializers.Serializer):
    label = serializers.ChoiceField(choices=VARIANT_LABELS, help_text="The variant the rest of the audience gets.")
