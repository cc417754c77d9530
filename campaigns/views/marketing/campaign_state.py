"""What the campaign page says in each state: the plan before sending (recipients after
suppressions, estimate, send time), the headline, and the summary tiles while sending."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from campaigns.formatting import STATUS_WORDS
from campaigns.models import Campaign
from campaigns.services.audience import AudienceSummary, audience_summary
from campaigns.services.estimate import estimate
from campaigns.status import ORDER

REPORTS_WINDOW = timedelta(days=3)  # how long after sending the page keeps waiting for reports
AWAITING = ("pending", "queued", "submitted", "sent", "unknown")
NOT_DELIVERED = ("undelivered", "expired", "rejected", "failed")


def has_messages(counts: dict[str, int]) -> bool:
    return counts.get("total", 0) > 0


def plan(campaign: Campaign) -> dict[str, Any]:
    """What will happen when a draft or scheduled campaign sends."""
    summary = cached_summary(campaign)
    send_at = campaign.send_at
    upcoming = campaign.status == Campaign.Status.SCHEDULED and send_at is not None and send_at > timezone.now()
    return {
        "audience": summary,
        "left_out": summary.suppressed + summary.invalid + summary.duplicate + summary.excluded,
        "estimate": planned_cost(campaign),
        "send_at": send_at,
        "countdown_to": send_at.isoformat() if upcoming else "",
    }


def cached_summary(campaign: Campaign) -> AudienceSummary:
    """Who would receive it now; counted over the lists, so kept for a minute."""
    key = f"campaign-plan-audience:{campaign.pk}:{campaign.updated_at.timestamp()}"
    summary = cache.get(key)
    if summary is None:
        summary = audience_summary(campaign.account, campaign.audience, campaign.subaccount)
        cache.set(key, summary, 60)
    return summary


def planned_cost(campaign: Campaign) -> Decimal | None:
    """The reserved estimate of a launched campaign; a draft's is worked out (and cached)."""
    if campaign.status != Campaign.Status.DRAFT:
        return campaign.estimated_cost
    if not campaign.audience.get("lists") or not campaign.connection_id:
        return None
    key = f"campaign-plan-cost:{campaign.pk}:{campaign.updated_at.timestamp()}"
    cost = cache.get(key)
    if cost is None:
        cost = estimate(campaign).cost
        cache.set(key, cost, 120)
    return cost


def headline(campaign: Campaign, counts: dict[str, int]) -> dict[str, str]:
    """The status badge: "Completed" only once every message has its final outcome."""
    waiting = sum(counts.get(s, 0) for s in AWAITING)
    label, badge, detail = campaign.get_status_display(), campaign.status, ""
    if campaign.status == Campaign.Status.COMPLETED and waiting:
        recent = campaign.finished_at is None or timezone.now() - campaign.finished_at < REPORTS_WINDOW
        if recent:
            label, badge = "Sending finished", "running"
            detail = f"waiting for {waiting} delivery report{'s' if waiting != 1 else ''}"
        else:
            detail = f"{waiting} message{'s' if waiting != 1 else ''} never got a final report"
    return {"label": label, "badge": badge, "detail": detail}


def tiles(counts: dict[str, int]) -> dict[str, int]:
    """The summary figures of a campaign that has messages."""
    return {
        "recipients": counts.get("total", 0),
        "delivered": counts.get("delivered", 0),
        "awaiting": sum(counts.get(s, 0) for s in AWAITING),
        "not_delivered": sum(counts.get(s, 0) for s in NOT_DELIVERED),
        "cancelled": counts.get("cancelled", 0),
    }


def breakdown(counts: dict[str, int]) -> list[dict[str, Any]]:
    """Every status that has messages, in the machine's order, in words, with its share."""
    total = counts.get("total", 0) or 1
    statuses = [str(s) for s in ORDER] + [k for k in counts if k not in ORDER and k != "total"]
    return [
        {"status": s, "label": STATUS_WORDS.get(s, s), "count": counts[s], "share": round(100 * counts[s] / total, 1)}
        for s in statuses
        if counts.get(s)
    ]
