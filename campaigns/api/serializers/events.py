"""Outbound event subscriptions, their deliveries and every attempt."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from campaigns.api.serializers.common import ScopedModelSerializer, SubaccountField
from campaigns.models import DeliveryAttempt, EventDelivery, EventSubscription
from campaigns.models.api import EVENT_KINDS


def internal_host(host: str) -> bool:
    """localhost and literal private, loopback or link-local addresses (a basic SSRF guard;
    names are resolved only when posting, so a deployment should also filter egress)."""
    host = host.strip("[]").lower()
    if host in ("localhost", "") or host.endswith((".localhost", ".local", ".internal")):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_private or address.is_loopback or address.is_link_local or address.is_reserved or address.is_unspecified


@extend_schema_field({"type": "string", "format": "uri", "pattern": "^[hH][tT][tT][pP][sS]?://", "maxLength": 500})
class HttpUrlField(serializers.URLField):
    """A web address we can POST events to: http:// or https:// only (the schema says so)."""


class EventSubscriptionSerializer(ScopedModelSerializer):
    subaccount = SubaccountField(help_text="Only this subaccount's events; empty for all. Ignored for subaccount keys.")
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=EVENT_KINDS), allow_empty=False, min_length=1, max_length=len(EVENT_KINDS)
    )
    url = HttpUrlField(max_length=500)

    class Meta:
        model = EventSubscription
        fields = ["id", "url", "events", "subaccount", "description", "active", "created_at"]
        read_only_fields = ["created_at"]

    def validate_url(self, url: str) -> str:
        if not url.lower().startswith(("https://", "http://")):
            raise serializers.ValidationError("Use an http or https URL.")
        if internal_host(urlsplit(url).hostname or "") and not getattr(settings, "API_EVENTS_ALLOW_PRIVATE_URLS", settings.DEBUG):
            raise serializers.ValidationError("The URL must point to a public address, not to this network.")
        return url

    def validate_events(self, events: list[str]) -> list[str]:
        return list(dict.fromkeys(events))


class EventSubscriptionCreatedSerializer(EventSubscriptionSerializer):
    secret = serializers.CharField(read_only=True, help_text="Signing secret; shown only now (and when rotated).")

    class Meta(EventSubscriptionSerializer.Meta):
        fields = [*EventSubscriptionSerializer.Meta.fields, "secret"]


class DeliveryAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeliveryAttempt
        fields = ["number", "status_code", "error", "response_body", "duration_ms", "created_at"]
        read_only_fields = fields


class EventDeliverySerializer(serializers.ModelSerializer):
    attempt_log = DeliveryAttemptSerializer(many=True, read_only=True)

    class Meta:
        model = EventDelivery
        fields = [
            "id", "subscription", "kind", "payload", "status", "attempts", "next_attempt_at", "last_status_code",
            "last_error", "created_at", "delivered_at", "attempt_log",
        ]  # fmt: skip
        read_only_fields = fields
