"""The composer's A/B test form: variants B-D (A is the content step's text) and how the
winner is chosen."""

from __future__ import annotations

from typing import Any

from django import forms

from campaigns.models import ABTest, Campaign, CampaignVariant
from campaigns.rendering import account_fields, problems

WAITS = [
    (30, "30 minutes"),
    (60, "1 hour"),
    (120, "2 hours"),
    (240, "4 hours"),
    (480, "8 hours"),
    (720, "12 hours"),
    (1440, "1 day"),
    (2880, "2 days"),
]


class ABTestForm(forms.Form):
    enabled = forms.BooleanField(required=False, label="Run an A/B test")
    text_b = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}), label="Variant B")
    text_c = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}), label="Variant C (optional)")
    text_d = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}), label="Variant D (optional)")
    mode = forms.ChoiceField(choices=ABTest.Mode.choices, initial=ABTest.Mode.WINNER, widget=forms.RadioSelect, label="How to send")
    test_share = forms.IntegerField(
        min_value=2, max_value=90, initial=20, label="Test share (%)", help_text="Of the audience, split evenly between the variants."
    )
    wait_minutes = forms.TypedChoiceField(choices=WAITS, coerce=int, initial=240, label="Then wait")
    metric = forms.ChoiceField(choices=ABTest.Metric.choices, initial=ABTest.Metric.DELIVERY, widget=forms.RadioSelect, label="Winner by")
    auto_pick = forms.TypedChoiceField(
        choices=[("1", "Pick the winner automatically"), ("0", "Let me pick the winner")],
        coerce=lambda v: v == "1",
        initial="1",
        widget=forms.RadioSelect,
        label="Who picks",
    )

    def __init__(self, *args, campaign: Campaign, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.known_fields = account_fields(campaign.account_id)

    @classmethod
    def initial_for(cls, campaign: Campaign) -> dict[str, Any]:
        test = ABTest.objects.filter(campaign_id=campaign.pk).first()
        if test is None:
            return {}
        texts = {f"text_{v.label.lower()}": v.text for v in CampaignVariant.objects.filter(campaign_id=campaign.pk).exclude(label="A")}
        return {
            "enabled": True,
            **texts,
            "mode": test.mode,
            "test_share": test.test_share,
            "wait_minutes": test.wait_minutes,
            "metric": test.metric,
            "auto_pick": "1" if test.auto_pick else "0",
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("enabled"):
            return data
        if not self.campaign.text:
            raise forms.ValidationError("Write the message on the content step first: it is variant A.")
        if not data.get("text_b", "").strip():
            self.add_error("text_b", "Write variant B, or switch the A/B test off.")
        if data.get("text_d", "").strip() and not data.get("text_c", "").strip():
            self.add_error("text_c", "Fill variant C before D.")
        for name in ("text_b", "text_c", "text_d"):
            for problem in problems(data.get(name, ""), self.known_fields):
                self.add_error(name, problem)
        return data

    def texts(self) -> list[str]:
        """Variant B, C, D texts that are filled in, in order."""
        return [t for t in (self.cleaned_data.get(n, "").strip() for n in ("text_b", "text_c", "text_d")) if t]

    def settings(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in ("mode", "test_share", "wait_minutes", "metric", "auto_pick")}
