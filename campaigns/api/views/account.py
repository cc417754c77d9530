"""Balance and ledger."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from campaigns.api.filters import DateTimeFilter, ScopedFilterSet
from campaigns.api.permissions import ADMINS
from campaigns.api.serializers.account import BalanceSerializer, LedgerEntrySerializer, SendPolicySerializer
from campaigns.api.views.base import ReadOnlyScopedViewSet
from campaigns.models import LedgerEntry


class BalanceView(APIView):
    @extend_schema(responses={200: BalanceSerializer})
    def get(self, request):
        """The account's prepaid balance; a subaccount key also gets its limit and spend."""
        scope = request._request.api_scope
        account = scope.account
        account.refresh_from_db(fields=["balance", "reserved"])
        sub = None
        if scope.subaccount is not None:
            charged = LedgerEntry.objects.filter(account=account, subaccount=scope.subaccount, kind=LedgerEntry.Kind.CHARGE)
            spent = -(charged.aggregate(total=Sum("amount"))["total"] or Decimal("0"))
            sub = {"id": scope.subaccount.pk, "name": scope.subaccount.name, "credit_limit": scope.subaccount.credit_limit, "spent": spent}
        data = {
            "currency": account.currency,
            "balance": account.balance,
            "reserved": account.reserved,
            "available": account.available,
            "subaccount": sub,
        }
        return Response(BalanceSerializer(data).data)


class SendPolicyView(APIView):
    @extend_schema(responses={200: SendPolicySerializer})
    def get(self, request):
        """Quiet hours, the multi-zone rule and the frequency cap every campaign of the account follows."""
        account = request._request.api_scope.account
        account.refresh_from_db()
        data = {
            "quiet_hours": {"enabled": account.quiet_hours_enabled, "start": account.quiet_start, "end": account.quiet_end},
            "multi_zone_rule": account.multi_zone_rule,
            "frequency_cap": {"messages": account.cap_messages, "period": account.cap_period, "per_channel": account.cap_per_channel},
        }
        return Response(SendPolicySerializer(data).data)


class LedgerFilter(ScopedFilterSet):
    created_after = DateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = DateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = LedgerEntry
        fields = ["kind", "campaign", "subaccount", "created_after", "created_before"]


class LedgerViewSet(ReadOnlyScopedViewSet):
    """Top-ups, charges and refunds; a subaccount key sees its own entries only."""

    read_roles = ADMINS  # like /admin/billing/
    queryset = LedgerEntry.objects.all()
    serializer_class = LedgerEntrySerializer
    filterset_class = LedgerFilter
    shared_null = False
