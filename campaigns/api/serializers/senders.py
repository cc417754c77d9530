"""Sender IDs, templates, voice recordings and (read-only) provider connections."""

from __future__ import annotations

from django import forms
from rest_framework import serializers

from campaigns.api.errors import conflict
from campaigns.api.serializers.common import AccountRelatedField, ScopedModelSerializer, SubaccountField, acting_user, request_scope
from campaigns.forms.admin_senders import NORMALIZERS
from campaigns.models import SenderID, Template, VoiceRecording
from providers.models import ProviderConnection

MAX_RECORDING_BYTES = 10 * 1024 * 1024
RECORDING_TYPES = {"audio/mpeg", "audio/mp3", "audio/wav", "audio/x-wav", "audio/wave", "audio/ogg", "audio/mp4", "audio/x-m4a"}


class ConnectionSerializer(serializers.ModelSerializer):
    """Never carries credentials or the webhook token."""

    capabilities = serializers.SerializerMethodField()

    class Meta:
        model = ProviderConnection
        fields = ["id", "name", "provider", "channels", "capabilities", "mps", "is_active", "balance", "balance_currency", "created_at"]
        read_only_fields = fields

    def get_capabilities(self, connection: ProviderConnection) -> list[str]:
        try:
            return sorted(c.value for c in connection.capabilities())
        except LookupError:
            return []


class SenderChannelField(serializers.ChoiceField):
    """Requests may ask for sms, voice or WhatsApp senders; answers may also show a USSD one
    (made by the platform), so the schema's enum differs by direction (see campaigns.api.schema)."""


class SenderIDSerializer(ScopedModelSerializer):
    subaccount = SubaccountField()
    connection = AccountRelatedField(queryset=ProviderConnection.objects.all(), subaccount_field=None, required=False, allow_null=True)
    channel = SenderChannelField(choices=list(NORMALIZERS))
    approved_on = serializers.PrimaryKeyRelatedField(
        many=True,
        read_only=True,
        help_text="Connections an admin approved the sender on besides `connection`; with neither, any connection.",
    )

    class Meta:
        model = SenderID
        fields = [
            "id", "channel", "value", "subaccount", "connection", "approved_on", "status", "purpose", "decision_note", "created_at",
            "decided_at",
        ]  # fmt: skip
        read_only_fields = ["status", "decision_note", "created_at", "decided_at"]

    def validate(self, attrs: dict) -> dict:
        try:
            attrs["value"] = NORMALIZERS[attrs["channel"]](attrs["value"])
        except forms.ValidationError as exc:
            raise serializers.ValidationError({"value": exc.messages})
        account = request_scope(self).account
        if SenderID.objects.filter(account=account, channel=attrs["channel"], value=attrs["value"]).exists():
            raise conflict("value", "This sender ID is already requested or registered for this channel.")
        if attrs.get("connection") is not None:
            from campaigns.services.limits import sender_problems

            refused = sender_problems(attrs["connection"], attrs["channel"], attrs["value"])
            if refused:
                raise serializers.ValidationError({"value": refused})
        return attrs

    def create(self, validated_data):
        validated_data["status"] = SenderID.Status.REQUESTED
        validated_data["requested_by"] = acting_user(self)
        return super().create(validated_data)


class TemplateSerializer(ScopedModelSerializer):
    subaccount = SubaccountField()
    connection = AccountRelatedField(queryset=ProviderConnection.objects.all(), subaccount_field=None, required=False, allow_null=True)
    variables = serializers.ListField(child=serializers.RegexField(r"\S", max_length=100), required=False)

    class Meta:
        model = Template
        fields = [
            "id", "kind", "name", "body", "subaccount", "connection", "provider_template_id", "variables",
            "language", "category", "has_media", "provider_status", "synced_at", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["provider_status", "synced_at", "created_at", "updated_at"]
        validators = []  # the remote-id uniqueness is partial (non-empty ids); checked in validate()

    def validate(self, attrs: dict) -> dict:
        connection = attrs.get("connection", getattr(self.instance, "connection", None))
        remote_id = attrs.get("provider_template_id", getattr(self.instance, "provider_template_id", ""))
        if remote_id and connection is not None:
            clash = Template.objects.filter(connection=connection, provider_template_id=remote_id)
            if self.instance is not None:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                raise conflict("provider_template_id", "This connection already has a template with this id.")
        kind = attrs.get("kind", getattr(self.instance, "kind", Template.Kind.SMS))
        body = attrs.get("body", getattr(self.instance, "body", ""))
        if kind == Template.Kind.SMS and not body.strip():
            raise serializers.ValidationError({"body": ["An SMS template needs a text."]})
        return attrs


class RecordingSerializer(ScopedModelSerializer):
    subaccount = SubaccountField()
    file = serializers.FileField(write_only=True, help_text="Audio file (mp3, wav, ogg, m4a), at most 10 MB.")
    connection = AccountRelatedField(queryset=ProviderConnection.objects.all(), subaccount_field=None, required=False, allow_null=True)

    class Meta:
        model = VoiceRecording
        fields = [
            "id",
            "name",
            "file",
            "subaccount",
            "connection",
            "content_type",
            "duration_seconds",
            "status",
            "provider_reference",
            "created_at",
        ]
        read_only_fields = ["content_type", "duration_seconds", "status", "provider_reference", "created_at"]

    def validate_file(self, upload):
        if upload.size > MAX_RECORDING_BYTES:
            raise serializers.ValidationError("The file is larger than 10 MB.")
        content_type = (getattr(upload, "content_type", "") or "").split(";")[0].lower()
        if content_type not in RECORDING_TYPES and not upload.name.lower().endswith((".mp3", ".wav", ".ogg", ".m4a")):
            raise serializers.ValidationError("Upload an audio file: mp3, wav, ogg or m4a.")
        return upload

    def create(self, validated_data):
        upload = validated_data["file"]
        validated_data["content_type"] = (getattr(upload, "content_type", "") or "")[:60]
        validated_data["uploaded_by"] = acting_user(self)
        return super().create(validated_data)
