"""Money: balance and ledger."""

from __future__ import annotations

from rest_framework import serializers

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
