"""Conversations: one thread per contact number; its messages both ways; replies."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from campaigns.api.filters import MAX_ID
from campaigns.api.serializers.messages import MAX_TEXT
from campaigns.models import Conversation


class ConversationSerializer(serializers.ModelSerializer):
    opted_out = serializers.BooleanField(read_only=True, help_text="The number is on the account's suppression list.")
    unread = serializers.IntegerField(
        read_only=True, help_text="Messages from the contact not read yet: by you when logged in, by nobody for an API key."
    )

    class Meta:
        model = Conversation
        fields = [
            "id", "subaccount", "phone", "contact", "connection", "sender", "status", "assigned_to", "unread",
            "last_message_at", "last_inbound_at", "last_text", "last_direction", "last_campaign", "opted_out", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class ThreadItemSerializer(serializers.Serializer):
    direction = serializers.ChoiceField(choices=["in", "out"], help_text="in: from the contact; out: sent to them.")
    at = serializers.DateTimeField(help_text="Received (in) or created (out).")
    kind = serializers.CharField(help_text="sms, ussd or dtmf for inbound; the channel for sent messages.")
    text = serializers.CharField(allow_blank=True)
    message = serializers.IntegerField(allow_null=True, help_text="The sent message's id (out).")
    inbound_message = serializers.IntegerField(allow_null=True, help_text="The inbound message's id (in).")
    status = serializers.CharField(allow_null=True, help_text="A sent message's status.")
    campaign = serializers.IntegerField(allow_null=True)
    keyword = serializers.CharField(allow_blank=True, help_text="opt_out, opt_in or help when an inbound message was a keyword.")

    def to_representation(self, item):
        return {
            "direction": item.direction,
            "at": serializers.DateTimeField().to_representation(item.at),
            "kind": item.kind,
            "text": item.text or "",
            "message": item.message.pk if item.message else None,
            "inbound_message": item.inbound.pk if item.inbound else None,
            "status": item.message.status if item.message else None,
            "campaign": (item.message or item.inbound).campaign_id,
            "keyword": item.keyword,
        }


class ConversationThreadSerializer(ConversationSerializer):
    messages = serializers.SerializerMethodField(help_text="Newest first, at most 200.")

    class Meta(ConversationSerializer.Meta):
        fields = [*ConversationSerializer.Meta.fields, "messages"]
        read_only_fields = fields

    @extend_schema_field(ThreadItemSerializer(many=True))
    def get_messages(self, conversation) -> list[dict]:
        from campaigns.services.conversations import thread

        return ThreadItemSerializer(thread(conversation), many=True).data


class ReplySerializer(serializers.Serializer):
    """A reply to the contact, through the connection and number they wrote to."""

    channel = serializers.ChoiceField(choices=["sms", "whatsapp"], default="sms")
    text = serializers.CharField(required=False, allow_blank=True, max_length=MAX_TEXT, default="")
    template = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID, help_text="WhatsApp: a template's id (required outside the window)."
    )
    variables = serializers.ListField(
        child=serializers.CharField(max_length=200, allow_blank=True), required=False, default=list, max_length=20
    )


class AssignSerializer(serializers.Serializer):
    """Who takes the conversation: an admin or marketer of the account who sees it."""

    user = serializers.IntegerField(min_value=1, max_value=MAX_ID, allow_null=True, help_text="A user's id; null: nobody.")
