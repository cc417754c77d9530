"""Resend to the failed: a new draft whose audience is a specification, {"resend_of": id,
"statuses": [...]}, resolved in SQL when it starts (campaigns/services/audience.py), never a
list made for the occasion. The number offered is the number it will send to."""

from __future__ import annotations

from campaigns.models import Campaign
from campaigns.services.audience import AudienceSummary, audience_summary
from campaigns.services.campaigns import CampaignStateError, duplicate
from campaigns.status import FAILURES, ORDER

# The statuses a resend picks, in display order: every failure to deliver (never cancelled).
RESEND_STATUSES = [str(s) for s in ORDER if s in FAILURES]


def resend_spec(campaign: Campaign) -> dict:
    return {"resend_of": campaign.pk, "statuses": list(RESEND_STATUSES)}


def resend_summary(campaign: Campaign) -> AudienceSummary:
    """Who a resend of ``campaign`` would go to: recipients after suppressed, invalid and
    duplicate numbers are left out (the very query the new campaign will run)."""
    return audience_summary(campaign.account, resend_spec(campaign), campaign.subaccount)


def create_resend(campaign: Campaign, user=None) -> Campaign:
    """A new draft to the recipients whose messages of ``campaign`` failed."""
    if campaign.is_test or campaign.status == Campaign.Status.DRAFT:
        raise CampaignStateError("Only a launched campaign can be resent to its failed recipients.")
    if resend_summary(campaign).recipients == 0:
        raise CampaignStateError("No recipient to resend to: none failed, or all of them are suppressed or invalid.")
    copy = duplicate(campaign, user, name=f"Resend failed: {campaign.name}")
    copy.audience = resend_spec(campaign)
    copy.save(update_fields=["audience"])
    return copy
