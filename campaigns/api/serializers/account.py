"""Money: balance and ledger."""

from __future__ import annotations

from rest_framework import serializers

from campaigns.api.serializers.common import LocalTimeField
from campaigns.models import LedgerEntry


class SubaccountMoneySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    credit_limit = serializers.DecimalField(max_digits=14, decimal_places=4, allow_null=True)
    spent = serializers.DecimalField(max_digits=14, decimal_places=5)


class BalanceSerializer(serializers.Serializer):
    currency = serializers.CharField()
    balance = serializers.DecimalField(max_digits=14, decimal_places=4)
    reserved = serializers.DecimalField(max_digits=14, decimal_places=4)
    available = serializers.DecimalField(max_digits=14, decimal_places=4)
    subaccount = SubaccountMoneySerializer(allow_null=True, help_text="For a subaccount key: its limit and what it spent.")


class LedgerEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = LedgerEntry
        fields = ["id", "kind", "amount", "balance_after", "subaccount", "campaign", "message", "description", "created_at"]
        read_only_fields = fields


class QuietHoursSerializer(serializers.Serializer):
    enabled = serializers.BooleanField()
    start = LocalTimeField(help_text="No marketing from this local time of the recipient...")
    end = LocalTimeField(help_text="...until this one.")


class FrequencyCapSerializer(serializers.Serializer):
    messages = serializers.IntegerField(allow_null=True, help_text="At most this many per contact; null: no cap.")
    period = serializers.ChoiceField(choices=["day", "week", "month"], help_text="24 hours, 7 days or 30 days.")
    per_channel = serializers.BooleanField(help_text="Each channel counted apart (else all together).")


class SendPolicySerializer(serializers.Serializer):
    """The account's send-time policy, set by its admins in the portal."""

    quiet_hours = QuietHoursSerializer()
    multi_zone_rule = serializers.ChoiceField(
        choices=["earliest", "latest", "account"], help_text="The zone a number spanning several follows."
    )
    frequency_cap = FrequencyCapSerializer()
