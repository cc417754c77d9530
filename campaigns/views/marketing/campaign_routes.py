"""Where a campaign's messages go, for the review step and the campaign page: per route
(and, for account admins, per connection) the messages, their cost and the margin, and
the failovers. Marketers see destinations, never connections: the router's choice is the
admin's business (campaigns/services/routing)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Q

from campaigns.formatting import ERROR_WORDS, words
from campaigns.models import Campaign, Message
from campaigns.services import routing
from providers.base import MessageStatus as S

ZERO = Decimal("0")
DEFAULT_ROUTE = "Any other destination"
NOT_DELIVERED = (S.UNDELIVERED, S.EXPIRED, S.REJECTED, S.FAILED)
SENT = (S.SUBMITTED, S.SENT, S.DELIVERED, S.UNDELIVERED, S.EXPIRED, S.REJECTED)


def routing_summary(campaign: Campaign, *, admin: bool) -> dict[str, Any]:
    """The breakdown rows (per connection for admins, per route for others), their total,
    and the failovers (admins only). Cached briefly: it reads the messages or plans the audience."""
    key = f"campaign-routing:{campaign.pk}:{campaign.updated_at.timestamp()}:{_message_stamp(campaign)}"
    data = cache.get(key)
    if data is None:
        data = _connection_rows(campaign)
        cache.set(key, data, 10 if campaign.is_active else 120)
    rows = data if admin else _per_route(data)
    total = {
        "count": sum(r["count"] for r in rows),
        "cost": sum((r["cost"] for r in rows), ZERO),
        "charged": sum((r["charged"] for r in rows), ZERO),
    }
    total["margin"] = total["charged"] - total["cost"]
    return {"rows": rows, "total": total, "failovers": _failovers(campaign) if admin else [], "admin": admin}


def _message_stamp(campaign: Campaign) -> str:
    """Changes when the campaign's messages change status (the counts' delta rows grow)."""
    last = campaign.status_counts.order_by("-pk").values_list("pk", flat=True).first()
    return str(last or 0)


def _connection_rows(campaign: Campaign) -> list[dict[str, Any]]:
    outcomes = _outcomes(campaign)
    rows = []
    for row in routing.route_breakdown(campaign):
        sent, delivered, failed = outcomes.get((row.route_id, row.connection_id), (0, 0, 0))
        rows.append(
            {
                "route": row.route_name or DEFAULT_ROUTE,
                "connection": row.connection_name,
                "connection_id": row.connection_id,
                "count": row.count,
                "sent": sent,
                "delivered": delivered,
                "failed": failed,
                "cost": row.cost,
                "charged": row.charged,
                "margin": row.margin,
            }
        )
    return rows


def _outcomes(campaign: Campaign) -> dict[tuple, tuple[int, int, int]]:
    """Sent, delivered and not delivered per (route, connection), from the messages."""
    rows = (
        Message.objects.filter(campaign=campaign)
        .values("route_id", "connection_id")
        .annotate(
            sent=Count("pk", filter=Q(status__in=SENT)),
            delivered=Count("pk", filter=Q(status=S.DELIVERED)),
            failed=Count("pk", filter=Q(status__in=NOT_DELIVERED)),
        )
    )
    return {(r["route_id"], r["connection_id"]): (r["sent"], r["delivered"], r["failed"]) for r in rows}


def _per_route(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The same figures summed per route, without connections (what a marketer sees)."""
    merged: dict[str, dict[str, Any]] = {}
    for row in rows:
        into = merged.setdefault(
            row["route"], {"route": row["route"], "count": 0, "sent": 0, "delivered": 0, "failed": 0, "cost": ZERO, "charged": ZERO}
        )
        for field in ("count", "sent", "delivered", "failed", "cost", "charged"):
            into[field] += row[field]
    return sorted(merged.values(), key=lambda r: -r["count"])


def _failovers(campaign: Campaign) -> list[dict[str, Any]]:
    return [
        {"from": f.from_connection, "to": f.to_connection, "reason": _reason(f.reason), "count": f.count}
        for f in routing.failovers(campaign)
    ]


def _reason(code: str) -> str:
    if code == "skipped":
        return "Out of rotation (circuit open)"
    return words(code, ERROR_WORDS) or "Refused"
