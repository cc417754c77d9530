"""Keyword rules (STOP, START, HELP and their translations): account-wide, for admins."""

from __future__ import annotations

from campaigns.api.permissions import ADMINS, AccountWideOnly
from campaigns.api.serializers.keywords import KeywordRuleSerializer
from campaigns.api.views.base import CrudScopedViewSet
from campaigns.models import KeywordRule
from campaigns.services.keywords import ensure_defaults


class KeywordRuleViewSet(CrudScopedViewSet):
    """Every account starts with the default rules; changes are audited."""

    read_roles = write_roles = ADMINS
    queryset = KeywordRule.objects.all()
    serializer_class = KeywordRuleSerializer
    subaccount_field = None
    filterset_fields = ["action", "is_active"]

    def get_permissions(self):
        return [*super().get_permissions(), AccountWideOnly()]

    def get_queryset(self):
        if not getattr(self, "swagger_fake_view", False):
            ensure_defaults(self.scope.account.pk)
        return super().get_queryset()
