"""The audit trail, read-only, for account-wide (admin) keys and account admins."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import BasePermission

from campaigns.api.filters import MAX_ID, DateTimeFilter, ObjectIdFormField, ScopedFilterSet
from campaigns.api.views.base import ReadOnlyScopedViewSet
from campaigns.models import AuditEvent, Role


class AuditEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor_label", help_text="Who: a user's e-mail, 'API key <name> (<prefix>…)', a command.")
    changes = serializers.DictField(help_text='What changed: {"field": [before, after]} or details; secrets are masked.')

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "created_at",
            "action",
            "actor_kind",
            "actor",
            "user",
            "api_key",
            "ip",
            "target_type",
            "target_id",
            "target_label",
            "changes",
        ]
        read_only_fields = fields


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class RowIdFilter(django_filters.Filter):
    """An id matched among the account's own audit events: another account's id and one that
    does not exist both find nothing (never a 400 that tells them apart)."""

    field_class = ObjectIdFormField


class AuditEventFilter(ScopedFilterSet):
    user = RowIdFilter(field_name="user_id", help_text="Only what this user did.")
    api_key = RowIdFilter(field_name="api_key_id", help_text="Only what this API key did.")
    action = django_filters.CharFilter(
        method="filter_action", help_text="Exact action, e.g. campaign.launched, or a prefix ending in a dot: campaign."
    )
    created_after = DateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = DateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = AuditEvent
        fields = ["action", "actor_kind", "user", "api_key", "target_type", "target_id", "created_after", "created_before"]

    def filter_action(self, queryset, name: str, value: str):
        return queryset.filter(action__startswith=value) if value.endswith(".") else queryset.filter(action=value)


class AdminScopeOnly(BasePermission):
    """Account-wide keys (made by account admins) and account admins' sessions."""

    message = "The audit trail is for account admins and account-wide keys."

    def has_permission(self, request, view) -> bool:
        scope = request._request.api_scope
        if scope.subaccount is not None:
            return False
        if scope.api_key is not None:
            return True
        membership = getattr(request._request, "membership", None)
        return membership is not None and membership.role == Role.ADMIN


class AuditEventViewSet(ReadOnlyScopedViewSet):
    """Who did what, when and from where: logins, users and roles, API keys, connections and
    credentials (masked), sender IDs and recordings, prices, top-ups, campaign launches, pauses and
    cancellations, contact exports and deletions. Records are never changed or deleted."""

    queryset = AuditEvent.objects.all()
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilter
    subaccount_field = None

    def get_permissions(self):
        return [*super().get_permissions(), AdminScopeOnly()]
