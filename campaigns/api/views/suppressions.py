"""Suppressions: numbers that must not be messaged (opt-outs, blocks)."""

from __future__ import annotations

import django_filters
from rest_framework import mixins

from campaigns.api.filters import DateTimeFilter, ScopedFilterSet
from campaigns.api.permissions import AccountWideOnly, HasScope, PortalRole, WriteAllowed
from campaigns.api.serializers.contacts import SuppressionSerializer
from campaigns.api.views.base import ScopedViewSet
from campaigns.models import Suppression


class SuppressionFilter(ScopedFilterSet):
    phone = django_filters.CharFilter(field_name="phone")
    created_after = DateTimeFilter(field_name="created_at", lookup_expr="gte")

    class Meta:
        model = Suppression
        fields = ["phone", "reason", "source", "created_after"]


class SuppressionViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, ScopedViewSet
):
    """Suppressions are account-wide. Any writing key may add one; lifting one (DELETE)
    needs an account-wide key."""

    queryset = Suppression.objects.all()
    serializer_class = SuppressionSerializer
    filterset_class = SuppressionFilter
    subaccount_field = None

    def get_permissions(self):
        if self.action == "destroy":
            return [HasScope(), WriteAllowed(), PortalRole(), AccountWideOnly()]
        return super().get_permissions()
