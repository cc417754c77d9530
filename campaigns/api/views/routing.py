"""Routes and rate cards: account-wide, for admins (like the admin pages)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from campaigns.api.permissions import ADMINS, AccountWideOnly
from campaigns.api.serializers.routing import (
    RateCardEntrySerializer,
    RateCardUploadResultSerializer,
    RateCardUploadSerializer,
    RouteSerializer,
)
from campaigns.api.views.base import CrudScopedViewSet
from campaigns.models import RateCardEntry, Route
from campaigns.services.routing import import_rate_card
from campaigns.services.routing.routes import delete_route


class RouteViewSet(CrudScopedViewSet):
    """Which connections carry a channel's messages to a destination. The most specific
    match wins (prefix, then network, then country, then default); campaigns and messages
    that name no connection follow the routes."""

    read_roles = write_roles = ADMINS
    queryset = Route.objects.prefetch_related("members")
    serializer_class = RouteSerializer
    subaccount_field = None
    filterset_fields = ["channel", "match_kind", "strategy", "enabled"]

    def get_permissions(self):
        return [*super().get_permissions(), AccountWideOnly()]

    def perform_destroy(self, instance: Route) -> None:
        delete_route(instance)


class RateCardViewSet(CrudScopedViewSet):
    """A connection's costs per channel and destination prefix; least-cost routes and the
    margin figures use them."""

    read_roles = write_roles = ADMINS
    queryset = RateCardEntry.objects.all()
    serializer_class = RateCardEntrySerializer
    subaccount_field = None
    filterset_fields = ["connection", "channel", "prefix"]

    def get_permissions(self):
        return [*super().get_permissions(), AccountWideOnly()]

    def get_queryset(self):
        qs = RateCardEntry.objects.select_related("connection")
        if getattr(self, "swagger_fake_view", False):
            return qs.none()
        return qs.filter(connection__account=self.scope.account)

    @extend_schema(request=RateCardUploadSerializer, responses={200: RateCardUploadResultSerializer})
    @action(detail=False, methods=["post"], url_path="upload")
    def upload(self, request, *args, **kwargs):
        """Load a CSV rate card into a connection: valid rows are saved (an existing channel
        and prefix is updated), rejected rows come back with their line and reason."""
        params = RateCardUploadSerializer(data=request.data, context=self.get_serializer_context())
        params.is_valid(raise_exception=True)
        data = params.validated_data
        result = import_rate_card(data["connection"], data["csv"], replace=data["replace"])
        body = {"created": result.created, "updated": result.updated, "errors": [{"line": n, "message": m} for n, m in result.errors]}
        return Response(RateCardUploadResultSerializer(body).data, status=status.HTTP_200_OK)
