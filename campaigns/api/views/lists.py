"""Contact lists and their members."""

from __future__ import annotations

from django.db.models import Count
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from campaigns.api.serializers.contacts import (
    CarrierLookupQueued,
    ContactListSerializer,
    ContactSerializer,
    MembershipChangeResult,
    MembershipChangeSerializer,
)
from campaigns.api.views.base import CrudScopedViewSet
from campaigns.api.views.contacts import with_visible_lists
from campaigns.models import Contact, ContactList, ListMembership


class ContactListViewSet(CrudScopedViewSet):
    queryset = ContactList.objects.annotate(member_count=Count("memberships"))
    serializer_class = ContactListSerializer
    filterset_fields = ["subaccount"]

    @extend_schema(responses={200: ContactSerializer(many=True)}, request=None)
    @action(detail=True, methods=["get"], url_path="contacts")
    def contacts(self, request, pk=None):
        """The list's members, newest first."""
        contact_list = self.get_object()
        page = self.paginate_queryset(with_visible_lists(Contact.objects.filter(lists=contact_list), self.scope).order_by("-id"))
        return self.get_paginated_response(ContactSerializer(page, many=True, context=self.get_serializer_context()).data)

    @extend_schema(request=MembershipChangeSerializer, responses={200: MembershipChangeResult})
    @action(detail=True, methods=["post"], url_path="contacts/add", pagination_class=None)
    def add_contacts(self, request, pk=None):
        """Add contacts (by id) to the list; ones already in it are left alone."""
        contact_list, ids, missing = self._change_request()
        before = ListMembership.objects.filter(contact_list=contact_list).count()
        ListMembership.objects.bulk_create([ListMembership(contact_list=contact_list, contact_id=i) for i in ids], ignore_conflicts=True)
        changed = ListMembership.objects.filter(contact_list=contact_list).count() - before
        return Response({"changed": changed, "missing": missing})

    @extend_schema(request=MembershipChangeSerializer, responses={200: MembershipChangeResult})
    @action(detail=True, methods=["post"], url_path="contacts/remove", pagination_class=None)
    def remove_contacts(self, request, pk=None):
        """Remove contacts (by id) from the list; the contacts themselves stay."""
        contact_list, ids, missing = self._change_request()
        changed, _ = ListMembership.objects.filter(contact_list=contact_list, contact_id__in=ids).delete()
        return Response({"changed": changed, "missing": missing})

    @extend_schema(request=None, responses={202: CarrierLookupQueued})
    @action(detail=True, methods=["post"], url_path="carrier-lookup", pagination_class=None)
    def carrier_lookup(self, request, pk=None):
        """Look up the carrier of every member's number (Wavy carrier/lookup, billed by Wavy), in
        the background; each contact's network, country and activity appear on it."""
        from rest_framework import status

        from campaigns.api.errors import ApiError
        from campaigns.services.carrier import lookup_connection, queue_list_lookup

        contact_list = self.get_object()
        self.check_may_change(contact_list)
        connection = lookup_connection(self.scope.account.pk)
        if connection is None:
            raise ApiError(422, "no_lookup_connection", "No active connection can look carriers up (Wavy can).")
        queue_list_lookup(contact_list.pk)
        return Response({"queued": True, "connection": connection.pk}, status=status.HTTP_202_ACCEPTED)

    def _change_request(self) -> tuple[ContactList, list[int], list[int]]:
        contact_list = self.get_object()
        params = MembershipChangeSerializer(data=self.request.data)
        params.is_valid(raise_exception=True)
        wanted = list(dict.fromkeys(params.validated_data["contacts"]))
        found = set(Contact.objects.filter(account=self.scope.account, pk__in=wanted).values_list("pk", flat=True))
        return contact_list, [i for i in wanted if i in found], [i for i in wanted if i not in found]
