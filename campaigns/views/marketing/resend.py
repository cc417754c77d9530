"""Resend to the failed: a confirmation page with the exact number, then a draft whose
audience is a specification (campaigns/services/resend.py)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from campaigns.models import Campaign
from campaigns.services.campaigns import CampaignStateError
from campaigns.services.counts import campaign_counts
from campaigns.services.resend import RESEND_STATUSES, create_resend, resend_summary
from campaigns.status import LABELS
from portal.tenancy import get_scoped, sender_required


@sender_required
def campaign_resend(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: who a resend would reach, before anything is made. POST: make the draft."""
    campaign = get_scoped(request, Campaign.objects.select_related("account"), pk=pk)
    if request.method == "POST":
        try:
            copy = create_resend(campaign, request.user)
        except CampaignStateError as exc:
            messages.error(request, str(exc))
            return redirect("campaign_resend", pk=pk)
        messages.success(request, "A draft to the failed recipients was made; review and launch it.")
        return redirect("compose_step", pk=copy.pk, step="review")
    counts = campaign_counts(campaign)
    context = {
        "campaign": campaign,
        "summary": resend_summary(campaign),
        "by_status": [(LABELS[s], counts.get(s, 0)) for s in RESEND_STATUSES],
    }
    return render(request, "campaigns/resend.html", context)
