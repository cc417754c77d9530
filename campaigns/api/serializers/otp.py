"""OTP requests and verification."""

from __future__ import annotations

from rest_framework import serializers

from campaigns.api.filters import MAX_ID
from campaigns.api.serializers.common import AccountRelatedField, PhoneField
from campaigns.models import OtpRequest
from campaigns.services import otp as otp_service
from providers.models import ProviderConnection


class OtpCreateSerializer(serializers.Serializer):
    to = PhoneField()
    channel = serializers.ChoiceField(choices=["sms", "voice"], default="sms", help_text="How our own code travels.")
    use_provider_otp = serializers.BooleanField(
        default=False, help_text="Let the provider generate and check the code (connections with the otp capability)."
    )
    connection = AccountRelatedField(queryset=ProviderConnection.objects.all(), subaccount_field=None, required=False, allow_null=True)
    sender = serializers.CharField(required=False, allow_blank=True, max_length=20, default="")
    length = serializers.IntegerField(min_value=4, max_value=9, default=otp_service.DEFAULT_LENGTH)
    ttl_seconds = serializers.IntegerField(min_value=30, max_value=3600, default=otp_service.DEFAULT_TTL)
    max_attempts = serializers.IntegerField(min_value=1, max_value=10, default=otp_service.DEFAULT_MAX_ATTEMPTS)
    text = serializers.CharField(
        max_length=300, default=otp_service.DEFAULT_TEXT, help_text="SMS text; {code} marks where the code goes (appended otherwise)."
    )


class OtpSerializer(serializers.ModelSerializer):
    status = serializers.SerializerMethodField()
    attempts_left = serializers.SerializerMethodField()
    provider_otp = serializers.SerializerMethodField()

    class Meta:
        model = OtpRequest
        fields = [
            "id",
            "to",
            "channel",
            "connection",
            "message",
            "provider_otp",
            "status",
            "attempts",
            "attempts_left",
            "expires_at",
            "verified_at",
            "charge_status",
            "charge_amount",
            "charge_currency",
            "charge_detail",
            "charged_at",
            "created_at",
        ]
        read_only_fields = fields

    def get_status(self, otp: OtpRequest) -> str:
        return otp_service.status_of(otp)

    def get_attempts_left(self, otp: OtpRequest) -> int:
        return max(0, otp.max_attempts - otp.attempts)

    def get_provider_otp(self, otp: OtpRequest) -> bool:
        return not otp.code_hash


class OtpVerifySerializer(serializers.Serializer):
    id = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID, help_text="The OTP's id; or give `to` for its latest OTP.")
    to = PhoneField(required=False)
    code = serializers.RegexField(r"^\s*[0-9]{4,9}\s*$", max_length=20, error_messages={"invalid": "The code is 4 to 9 digits."})

    def validate(self, attrs: dict) -> dict:
        if not attrs.get("id") and not attrs.get("to"):
            raise serializers.ValidationError({"id": ["Give the OTP's id or the number it was sent to."]})
        return attrs


class OtpVerifyResult(serializers.Serializer):
    id = serializers.IntegerField()
    verified = serializers.BooleanField()
    status = serializers.ChoiceField(choices=["verified", "invalid_code", "expired", "too_many_attempts", "already_verified", "failed"])
    attempts_left = serializers.IntegerField()
