"""Outbound event subscriptions, their deliveries and every attempt."""

from __future__ import annotations

from rest_framework import serializers

from campaigns.api.serializers.common import ScopedModelSerializer, SubaccountField
from campaigns.models import DeliveryAttempt, EventDelivery, EventSubscription
from campaigns.models.api import EVENT_KINDS


class EventSubscriptionSerializer(ScopedModelSerializer):
    subaccount = SubaccountField(help_text="Only this subaccount's events; empty for all. Ignored for subaccount keys.")
    events = serializers.ListField(child=serializers.ChoiceField(choices=EVENT_KINDS), allow_empty=False, max_length=len(EVENT_KINDS))
    url = serializers.URLField(max_length=500)

    class Meta:
        model = EventSubscription
        fields = ["id", "url", "events", "subaccount", "description", "active", "created_at"]
        read_only_fields = ["created_at"]

    def validate_url(self, url: str) -> str:
        if not url.lower().startswith(("https://", "http://")):
            raise serializers.ValidationError("Use an http or https URL.")
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
