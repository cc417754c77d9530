"""Contacts: list, filter, create, update, delete, and bulk upsert of up to 1,000 per call."""

from __future__ import annotations

import django_filters
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from campaigns.api.filters import DateTimeFilter, IdFilter, ScopedFilterSet, visible_objects
from campaigns.api.serializers.common import PhoneField
from campaigns.api.serializers.contacts import (
    BulkContactItem,
    BulkUpsertResult,
    BulkUpsertSerializer,
    ContactSerializer,
    SubscriptionChangeSerializer,
    SubscriptionSerializer,
)
from campaigns.api.views.base import CrudScopedViewSet
from campaigns.models import Contact, ContactList, ListMembership
from campaigns.rendering import register_fields
from campaigns.services import attribute_numbers


class ContactFilter(ScopedFilterSet):
    phone = django_filters.CharFilter(field_name="phone", lookup_expr="exact", help_text="Exact E.164 number.")
    search = django_filters.CharFilter(method="filter_search", help_text="Part of the name or number.")
    list = IdFilter(field_name="lists", related_model=ContactList, help_text="Only members of this list.")
    created_after = DateTimeFilter(field_name="created_at", lookup_expr="gte")
    updated_after = DateTimeFilter(field_name="updated_at", lookup_expr="gte")
    subscription = django_filters.ChoiceFilter(
        choices=[("registered", "registered"), ("unregistered", "unregistered"), ("none", "never subscribed")],
        method="filter_subscription",
        help_text="Subscription state on any connection that keeps them.",
    )
    network = django_filters.CharFilter(field_name="network", lookup_expr="iexact", help_text="Carrier from a lookup.")

    class Meta:
        model = Contact
        fields = ["phone", "search", "list", "created_after", "updated_after", "subscription", "network"]

    def filter_subscription(self, queryset, name, value):
        from campaigns.services.subscriptions import filter_by_subscription

        return filter_by_subscription(queryset, value)

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(phone__icontains=value) | Q(first_name__icontains=value) | Q(last_name__icontains=value))


class ContactViewSet(CrudScopedViewSet):
    """Contacts are account-wide (they have no subaccount): every key of the account shares them."""

    queryset = Contact.objects.prefetch_related("subscriptions")
    serializer_class = ContactSerializer
    filterset_class = ContactFilter
    subaccount_field = None

    def perform_create(self, serializer) -> None:
        super().perform_create(serializer)
        register_fields(self.scope.account.pk, serializer.instance.attributes or {})

    def perform_update(self, serializer) -> None:
        super().perform_update(serializer)
        register_fields(self.scope.account.pk, serializer.instance.attributes or {})

    def get_queryset(self):
        qs = super().get_queryset()
        return qs if getattr(self, "swagger_fake_view", False) else with_visible_lists(qs, self.scope)

    @extend_schema(request=BulkUpsertSerializer, responses={200: BulkUpsertResult})
    @action(detail=False, methods=["post"], url_path="bulk")
    def bulk(self, request):
        """Create or update up to 1,000 contacts by phone number; each item gets its own result."""
        params = BulkUpsertSerializer(data=request.data, context=self.get_serializer_context())
        params.is_valid(raise_exception=True)
        results, valid = validate_items(params.validated_data["contacts"])
        with transaction.atomic():
            saved = upsert(self.scope.account, valid)
            target = params.validated_data.get("list")
            if target is not None:
                self.check_may_change(target)
                ListMembership.objects.bulk_create(
                    [ListMembership(contact_list=target, contact_id=pk) for pk, _ in saved.values()], ignore_conflicts=True
                )
        for index, (pk, outcome) in saved.items():
            results[index].update(status=outcome, id=pk)
        counts = {
            k: sum(1 for r in results if r["status"] == v) for k, v in (("created", "created"), ("updated", "updated"), ("errors", "error"))
        }
        return Response({**counts, "results": results}, status=status.HTTP_200_OK)

    @extend_schema(request=SubscriptionChangeSerializer, responses={200: SubscriptionSerializer})
    @action(detail=True, methods=["post"], url_path="subscription")
    def subscription(self, request, pk=None):
        """Register or unregister the contact with a connection's subscription service."""
        from campaigns.api.errors import ApiError
        from campaigns.services.subscriptions import SubscriptionError, change, subscription_connections

        contact = self.get_object()
        params = SubscriptionChangeSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        connection = subscription_connections(self.scope.account.pk).filter(pk=params.validated_data["connection"]).first()
        if connection is None:
            raise ApiError(
                422, "no_subscription_connection", "No active connection with this id keeps subscriptions.", {"connection": ["invalid"]}
            )
        try:
            subscription = change(contact, connection, params.validated_data["subscribed"], source="api")
        except SubscriptionError as exc:
            raise ApiError(422, "subscription_refused", str(exc))
        return Response(SubscriptionSerializer(subscription).data)


def with_visible_lists(contacts, scope):
    """Prefetch each contact's lists as far as the caller may see them (not another subaccount's)."""
    return contacts.prefetch_related(Prefetch("lists", queryset=visible_objects(ContactList, scope).only("pk")))


def validate_items(items: list) -> tuple[list[dict], dict[int, dict]]:
    """Per-item validation; a repeated number keeps its first occurrence."""
    results: list[dict] = []
    valid: dict[int, dict] = {}
    seen: set[str] = set()
    phone_field = PhoneField()
    for index, raw in enumerate(items):
        result = {"index": index, "status": "error", "id": None, "phone": str(raw.get("phone", "")) if isinstance(raw, dict) else ""}
        results.append(result)
        if not isinstance(raw, dict):
            result["errors"] = {"non_field_errors": ["Each item must be an object."]}
            continue
        item = BulkContactItem(data=raw)
        if not item.is_valid():
            result["errors"] = {k: [str(m) for m in v] for k, v in item.errors.items()}
            continue
        try:
            phone = phone_field.run_validation(item.validated_data["phone"])
        except ValidationError as exc:
            result["errors"] = {"phone": [str(m) for m in exc.detail]}
            continue
        if phone in seen:
            result["errors"] = {"phone": ["This number appears earlier in the same request."]}
            continue
        seen.add(phone)
        result["phone"] = phone
        valid[index] = {**item.validated_data, "phone": phone}
    return results, valid


def upsert(account, valid: dict[int, dict]) -> dict[int, tuple[int, str]]:
    """Saves the items; returns {index: (contact id, "created"|"updated")}."""
    existing = {c.phone: c for c in Contact.objects.filter(account=account, phone__in=[v["phone"] for v in valid.values()])}
    to_update, to_create, out = [], [], {}
    now = timezone.now()
    for index, data in valid.items():
        contact = existing.get(data["phone"])
        if contact is None:
            to_create.append((index, Contact(account=account, **_contact_fields(data))))
            continue
        for name, value in _contact_fields(data).items():
            setattr(contact, name, {**contact.attributes, **value} if name == "attributes" else value)
        contact.updated_at = now
        to_update.append(contact)
        out[index] = (contact.pk, "updated")
    if to_update:
        Contact.objects.bulk_update(to_update, ["first_name", "last_name", "attributes", "updated_at"], batch_size=500)
    try:
        with transaction.atomic():
            Contact.objects.bulk_create([c for _, c in to_create], batch_size=500)
    except IntegrityError:  # another request created some of these numbers meanwhile
        for index, contact in to_create:
            contact.pk = None
            saved, _ = Contact.objects.update_or_create(account=account, phone=contact.phone, defaults=_contact_fields(valid[index]))
            contact.pk = saved.pk
    for index, contact in to_create:
        out[index] = (contact.pk, "created")
    if any(data.get("attributes") for data in valid.values()):  # else the attributes did not change
        attribute_numbers.sync([pk for pk, _ in out.values()])
    register_fields(account.pk, {key for data in valid.values() for key in data.get("attributes") or {}})
    return out


def _contact_fields(data: dict) -> dict:
    return {"phone": data["phone"], **{k: data[k] for k in ("first_name", "last_name", "attributes") if k in data}}
