"""One message's timeline on the campaign page: every status it went through with its time,
the provider's error text, the delivery reports received, and (for admins) the HTTP exchange."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Q
from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse

from campaigns.formatting import ERROR_WORDS, STATUS_WORDS, format_when, words
from campaigns.models import Campaign, Message
from portal.tenancy import get_scoped, member_required
from providers.models import ProviderCall, WebhookEvent

CALL_WINDOW = timedelta(minutes=2)  # a send's HTTP exchange lies between claim and submit
SCANNED_EVENTS = 2000  # webhook events of the connection looked at around each stage
MAX_REPORTS = 10
REPORT_WINDOW = timedelta(minutes=2)

STEPS = [
    ("created_at", "pending", "Created"),
    ("queued_at", "queued", "Queued for sending"),
    ("submitted_at", "submitted", "Accepted by the provider"),
    ("sent_at", "sent", "Sent to the network"),
    ("delivered_at", "delivered", "Delivered"),
]


def steps(message: Message) -> list[dict[str, Any]]:
    """The stages with a time, then the final outcome (or the open question of an unknown)."""
    found = [
        _step(getattr(message, field), status, label, _stage_detail(message, status))
        for field, status, label in STEPS
        if getattr(message, field)
    ]
    if message.failed_at and message.status != "delivered":
        found.append(_step(message.failed_at, message.status, words(message.status, STATUS_WORDS), error_text(message)))
    elif message.status == "unknown":
        found.append(_step(message.updated_at, "unknown", "Unknown", "The request may or may not have reached the provider."))
    return sorted(found, key=lambda s: s["at"])


def _stage_detail(message: Message, status: str) -> str:
    if status == "submitted" and message.provider_message_id:
        return f"Provider id {message.provider_message_id}"
    if status == "queued" and message.attempts > 1:
        return f"{message.attempts} attempts"
    return ""


def _step(at, status: str, label: str, detail: str = "") -> dict[str, Any]:
    return {"at": at.isoformat(), "when": format_when(at, "j M Y, H:i:s"), "status": status, "label": label, "detail": detail}


def error_text(message: Message) -> str:
    parts = [words(message.error_code, ERROR_WORDS)] if message.error_code else []
    if message.error_message:
        parts.append(message.error_message)
    if message.error_raw:
        parts.append(f"provider code {message.error_raw}")
    return " · ".join(parts)


def reports(message: Message) -> list[dict[str, Any]]:
    """Delivery reports that named this message."""
    # Only the minutes around the stages a report set are scanned (bodies have no index).
    anchors = [t for t in (message.sent_at, message.delivered_at, message.failed_at) if t]
    if len(message.provider_message_id) < 4 or not message.connection_id or not anchors:
        return []
    around = Q()
    for t in anchors:
        around |= Q(received_at__gte=t - REPORT_WINDOW, received_at__lte=t + REPORT_WINDOW)
    # Bodies are stored as received (bytes), so the match is made here on the window's events.
    needle = message.provider_message_id.encode()
    window = WebhookEvent.objects.filter(around, connection_id=message.connection_id).order_by("id")
    events = [e for e in window.only("id", "received_at", "outcome", "body")[:SCANNED_EVENTS] if needle in e.raw_body][:MAX_REPORTS]
    return [
        {"at": e.received_at.isoformat(), "when": format_when(e.received_at, "j M Y, H:i:s"), "outcome": e.get_outcome_display()}
        for e in events
    ]


def http_exchange(message: Message) -> ProviderCall | None:
    """The provider call that carried this message: same connection, around its send, naming it."""
    start = message.queued_at or message.submitted_at or message.failed_at
    if start is None or not message.connection_id:
        return None
    end = (message.submitted_at or message.failed_at or start) + CALL_WINDOW
    calls = ProviderCall.objects.filter(connection_id=message.connection_id, created_at__gte=start - CALL_WINDOW, created_at__lte=end)
    if message.provider_message_id:
        named = calls.filter(response_body__contains=message.provider_message_id).order_by("id").only("id").first()
        if named is not None:
            return named
    digits = message.to.lstrip("+")
    return calls.filter(request_body__contains=digits[-9:]).order_by("id").only("id").first() if digits else None


@member_required
def message_timeline(request: HttpRequest, pk: int, message_pk: int) -> JsonResponse:
    campaign = get_scoped(request, Campaign.objects.all(), pk=pk)
    message = get_object_or_404(Message.objects.select_related("contact"), campaign=campaign, pk=message_pk)
    data: dict[str, Any] = {
        "to": message.to,
        "name": message.contact.full_name if message.contact else "",
        "status": message.status,
        "status_label": words(message.status, STATUS_WORDS),
        "error": error_text(message),
        "network": message.network,
        "attempts": message.attempts,
        "steps": steps(message),
        "reports": reports(message),
    }
    if request.membership.is_admin:
        call = http_exchange(message)
        data["http_url"] = reverse("admin_area:http_log_detail", args=[call.pk]) if call else ""
    return JsonResponse(data)
