"""Base viewsets: every queryset is cut to the caller's account (and subaccount).

Subaccount keys see their subaccount's objects plus the account-wide ones (null subaccount)
for shared resources (lists, templates, sender IDs, recordings), which they may use but not
change. For what is spent and reported (campaigns, messages, OTPs) they see only their own
subaccount (``shared_null = False``)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from rest_framework import mixins, viewsets

from campaigns.api.auth import Scope
from campaigns.api.errors import ApiError


class ScopedViewSet(viewsets.GenericViewSet):
    lookup_value_converter = "objectid"  # 1-18 digits; anything else is a 404 from the URL resolver
    subaccount_field: str | None = "subaccount"
    shared_null = True  # subaccount keys also see objects with no subaccount

    @property
    def scope(self) -> Scope:
        return self.request._request.api_scope

    def get_queryset(self) -> QuerySet:
        qs = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):
            return qs.none()
        qs = qs.filter(account=self.scope.account)
        return self.limit_to_subaccount(qs)

    def limit_to_subaccount(self, qs: QuerySet) -> QuerySet:
        sub = self.scope.subaccount
        if not self.subaccount_field or sub is None:
            return qs
        mine = Q(**{self.subaccount_field: sub})
        return qs.filter(mine | Q(**{f"{self.subaccount_field}__isnull": True}) if self.shared_null else mine)

    def get_object(self):
        obj = super().get_object()
        if self.request.method not in ("GET", "HEAD", "OPTIONS"):
            self.check_may_change(obj)
        return obj

    def check_may_change(self, obj) -> None:
        if self.scope.subaccount is not None and self.subaccount_field == "subaccount" and obj.subaccount_id is None:
            raise ApiError(403, "account_wide_object", "This object is shared by the whole account; change it with an account-wide key.")


class ReadOnlyScopedViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    pass


class CrudScopedViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    ScopedViewSet,
):
    pass
