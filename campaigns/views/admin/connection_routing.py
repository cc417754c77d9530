"""What the connection page shows about routing: is the connection in rotation (circuit
breaker: out until when, and why), the routes that use it, its rate card, and the
messages that recently failed over from it or to it."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone

from campaigns.formatting import ERROR_WORDS, words
from campaigns.models import RateCardEntry, RouteAttempt, RouteConnection
from campaigns.services.routing import breaker
from providers.models import ProviderConnection

RECENT_FAILOVERS = 10


def rotation(connection: ProviderConnection) -> dict[str, Any]:
    """In rotation, or out until when and why (half-open: one probe batch may go)."""
    health = breaker.state_of(connection.pk)
    now = timezone.now()
    out = health.state == health.State.OPEN and health.open_until is not None and health.open_until > now
    state = "open" if out else ("half_open" if health.state != health.State.CLOSED else "closed")
    return {
        "state": state,
        "label": {"open": "Out of rotation", "half_open": "Probing", "closed": "In rotation"}[state],
        "until": health.open_until if out else None,
        "reason": health.last_error,
        "failures": health.consecutive_failures,
        "times_opened": health.times_opened,
        "last_failure_at": health.last_failure_at,
    }


def recent_failovers(connection: ProviderConnection) -> list[dict[str, Any]]:
    attempts = (
        RouteAttempt.objects.filter(Q(connection=connection) | Q(moved_to=connection))
        .select_related("connection", "moved_to", "message")
        .order_by("-pk")[:RECENT_FAILOVERS]
    )
    return [
        {
            "at": a.created_at,
            "from": a.connection.name if a.connection else "(deleted)",
            "to": a.moved_to.name if a.moved_to else "(deleted)",
            "reason": "Out of rotation"
            if a.outcome == RouteAttempt.Outcome.SKIPPED
            else (words(a.error_code, ERROR_WORDS) or a.error_message),
            "detail": a.error_message,
            "campaign_id": a.message.campaign_id,
            "outgoing": a.connection_id == connection.pk,
        }
        for a in attempts
    ]


def routing_context(connection: ProviderConnection) -> dict[str, Any]:
    members = RouteConnection.objects.filter(connection=connection).select_related("route").order_by("route__channel", "route__name")
    return {
        "rotation": rotation(connection),
        "failovers": recent_failovers(connection),
        "route_members": list(members),
        "rate_count": RateCardEntry.objects.filter(connection=connection).count(),
    }
