"""A/B tests on the web: the composer's variants page, the plan on the review, the results
on the campaign page, and the marketer's pick of the winner."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from campaigns.encoding import analyze
from campaigns.forms.ab_tests import ABTestForm
from campaigns.models import ABTest, Campaign, CampaignVariant
from campaigns.services.ab_results import duration_words, plan_words, variant_results
from campaigns.services.ab_tests import configure, pick_by_label, supports_variants
from campaigns.services.shortener import measured, tracks_links
from campaigns.views.marketing.composer import _draft, _locked, _sample_contact, _steps_context
from portal.tenancy import get_scoped, sender_required

PICKABLE = (ABTest.Phase.TESTING, ABTest.Phase.AWAITING_PICK)
BADGES = {
    ABTest.Phase.DRAFT: "Not started",
    ABTest.Phase.SPLIT: "Split",
    ABTest.Phase.TESTING: "Testing",
    ABTest.Phase.AWAITING_PICK: "Awaiting your pick",
    ABTest.Phase.WINNER: "Winner chosen",
}


@sender_required
def compose_ab_test(request: HttpRequest, pk: int) -> HttpResponse:
    """Variants B-D beside A (the content step's text), and how the winner is chosen."""
    campaign = _draft(request, pk)
    if (locked := _locked(request, campaign)) is not None:
        return locked
    form = ABTestForm(request.POST or None, campaign=campaign, initial=ABTestForm.initial_for(campaign))
    if request.method == "POST" and supports_variants(campaign) and form.is_valid():
        enabled = form.cleaned_data["enabled"]
        configure(campaign, [{"text": t} for t in form.texts()] if enabled else None, form.settings())
        campaign.save(update_fields=["updated_at"])  # the review's cached estimate follows the change
        messages.success(request, "A/B test saved." if enabled else "A/B test switched off: everyone gets the same message.")
        return redirect("compose_step", pk=pk, step="audience" if enabled else "content")
    context = {
        **_steps_context(campaign, "content"),
        "form": form,
        "supported": supports_variants(campaign),
        "sample": _sample_contact(request, campaign),
        "variant_a": analyze(campaign.text) if campaign.text else None,
    }
    return render(request, "campaigns/compose_ab_test.html", context)


def review_plan(campaign: Campaign, recipients: int | None = None) -> dict[str, Any] | None:
    """The A/B plan for the review: each variant's text and size, and what happens when."""
    test = ABTest.objects.filter(campaign_id=campaign.pk).first()
    variants = list(CampaignVariant.objects.filter(campaign_id=campaign.pk).order_by("label"))
    if test is None or len(variants) < 2 or not supports_variants(campaign):
        return None
    track = tracks_links(campaign)
    rows = []
    for v in variants:
        text = campaign.text if v.label == "A" else v.text
        rows.append({"label": v.label, "text": text, "sms": analyze(measured(text, track)) if campaign.channel == "sms" else None})
    return {"test": test, "variants": rows, "plan": plan_words(test, len(variants), recipients), "wait": duration_words(test.wait_minutes)}


def results_context(request: HttpRequest, campaign: Campaign) -> dict[str, Any] | None:
    """The campaign page's A/B card: per-variant figures, significance, the winner."""
    test = ABTest.objects.filter(campaign_id=campaign.pk).select_related("winner", "picked_by").first()
    if test is None or CampaignVariant.objects.filter(campaign_id=campaign.pk).count() < 2:
        return None
    results = variant_results(campaign, test)
    can_pick = (
        test.phase in PICKABLE
        and campaign.status in (Campaign.Status.RUNNING, Campaign.Status.PAUSED)
        and bool(request.membership and request.membership.can_send)
    )
    return {
        "test": test,
        "badge": BADGES.get(test.phase, ""),
        "results": results,
        "verdicts": [v for v in results.variants if not v.is_leader and v.verdict],
        "plan": plan_words(test, len(results.variants), campaign.recipients or None),
        "can_pick": can_pick,
        "awaiting": test.phase == ABTest.Phase.AWAITING_PICK,
    }


@sender_required
@require_POST
def campaign_pick_winner(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_scoped(request, Campaign.objects.all(), pk=pk)
    label = request.POST.get("label", "")[:1].upper()
    problem = pick_by_label(campaign, label, request.user)
    if problem:
        messages.error(request, problem)
    else:
        messages.success(request, f"Variant {label} is the winner: it goes to the rest of the audience now.")
    return redirect("campaign_detail", pk=pk)
