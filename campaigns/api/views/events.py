"""Event subscriptions (CRUD, secret rotation) and deliveries with every attempt (read, redeliver)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from campaigns.api.permissions import ADMINS
from campaigns.api.serializers.events import EventDeliverySerializer, EventSubscriptionCreatedSerializer, EventSubscriptionSerializer
from campaigns.api.views.base import CrudScopedViewSet, ReadOnlyScopedViewSet
from campaigns.models import EventDelivery, EventSubscription
from campaigns.models.api import new_signing_secret
from campaigns.services import events


class EventSubscriptionViewSet(CrudScopedViewSet):
    """Subscriptions of a subaccount key receive only that subaccount's events."""

    read_roles = write_roles = ADMINS  # like /admin/api-keys/events/
    queryset = EventSubscription.objects.all()
    serializer_class = EventSubscriptionSerializer
    shared_null = False
    filterset_fields = ["active"]

    @extend_schema(responses={201: EventSubscriptionCreatedSerializer})
    def create(self, request, *args, **kwargs):
        serializer = EventSubscriptionCreatedSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return Response(serializer.data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: EventSubscriptionCreatedSerializer})
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        """A new signing secret, effective at once; the old one stops working."""
        subscription = self.get_object()
        subscription.secret = new_signing_secret()
        subscription.save(update_fields=["secret"])
        return Response(EventSubscriptionCreatedSerializer(subscription, context=self.get_serializer_context()).data)


class EventDeliveryViewSet(ReadOnlyScopedViewSet):
    read_roles = write_roles = ADMINS
    queryset = EventDelivery.objects.select_related("subscription").prefetch_related("attempt_log")
    serializer_class = EventDeliverySerializer
    filterset_fields = ["subscription", "status", "kind"]
    subaccount_field = "subscription__subaccount"
    shared_null = False

    @extend_schema(request=None, responses={202: EventDeliverySerializer})
    @action(detail=True, methods=["post"])
    def redeliver(self, request, pk=None):
        """Send this event again now (after fixing the receiving endpoint)."""
        delivery = self.get_object()
        events.redeliver(delivery)
        delivery.refresh_from_db()
        return Response(self.get_serializer(delivery).data, status=status.HTTP_202_ACCEPTED)
