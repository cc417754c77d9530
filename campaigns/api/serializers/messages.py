"""Messages (read), transactional sends, inbound messages."""

from __future__ import annotations

from rest_framework import serializers

from campaigns.api.serializers.common import AccountRelatedField, PhoneField, SubaccountField
from campaigns.models import InboundMessage, Message, RouteAttempt
from providers.models import ProviderConnection

SEND_CHANNELS = ["sms", "voice", "whatsapp"]
MAX_TEXT = 1600


class FailoverSerializer(serializers.ModelSerializer):
    """A connection the message left before the one it is on: refused there for a reason
    another connection may not have (failed_over), or out of rotation before sending (skipped)."""

    class Meta:
        model = RouteAttempt
        fields = ["connection", "moved_to", "outcome", "error_code", "error_raw", "error_message", "created_at"]
        read_only_fields = fields


class MessageSerializer(serializers.ModelSerializer):
    connection = serializers.PrimaryKeyRelatedField(read_only=True, help_text="The connection chosen (by the routes, or as asked).")
    route = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True, help_text="The route that chose it (null: none matched).")
    failovers = FailoverSerializer(source="route_attempts", many=True, read_only=True)

    class Meta:
        model = Message
        fields = [
            "id", "campaign", "subaccount", "connection", "route", "failovers", "channel", "sender", "to", "text", "payload", "flash",
            "encoding", "segments", "status", "error_code", "error_raw", "error_message", "provider_message_id", "network",
            "cost", "attempts", "call_outcome", "call_dtmf", "call_duration", "idempotency_key",
            "created_at", "queued_at", "submitted_at", "sent_at", "delivered_at", "failed_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class SendSerializer(serializers.Serializer):
    """One message, now. The same Idempotency-Key header returns the first message."""

    channel = serializers.ChoiceField(choices=SEND_CHANNELS, default="sms")
    to = PhoneField()
    text = serializers.CharField(required=False, allow_blank=True, max_length=MAX_TEXT, default="")
    sender = serializers.CharField(required=False, allow_blank=True, max_length=20, default="", help_text="An approved sender ID value.")
    connection = AccountRelatedField(
        queryset=ProviderConnection.objects.all(),
        subaccount_field=None,
        required=False,
        allow_null=True,
        help_text="Connection id; default: the account's routes choose (else its first active one for the channel).",
    )
    flash = serializers.BooleanField(required=False, default=False)
    payload = serializers.DictField(
        required=False,
        default=dict,
        help_text='voice: {"kind": "otp"} (reads the text) or {"kind": "call", "recording_id": 3, "call_template": 2, '
        '"call_parameters": {"var1": ..}} (no text); whatsapp: {"type": "template", "template_id", "variables": [...]}.',
    )
    subaccount = SubaccountField()


class InboundMessageSerializer(serializers.ModelSerializer):
    class Meta:
        model = InboundMessage
        fields = [
            "id", "kind", "connection", "from_number", "to", "text", "session_id", "contact", "campaign", "message",
            "is_opt_out", "received_at",
        ]  # fmt: skip
        read_only_fields = fields
