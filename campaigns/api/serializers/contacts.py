"""Contacts, lists and their memberships, suppressions."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from campaigns.api.errors import conflict
from campaigns.api.filters import MAX_ID, visible_objects
from campaigns.api.serializers.common import AccountRelatedField, PhoneField, ScopedModelSerializer, SubaccountField, request_scope
from campaigns.models import Contact, ContactList, Subscription, Suppression

BULK_LIMIT = 1000


class SubscriptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Subscription
        fields = ["connection", "status", "frequency", "since", "source"]
        read_only_fields = fields


class SubscriptionChangeSerializer(serializers.Serializer):
    connection = serializers.IntegerField(help_text="A connection that keeps subscriptions (V-Appstore).")
    subscribed = serializers.BooleanField(help_text="true registers the contact, false unregisters it.")


class ContactSerializer(ScopedModelSerializer):
    phone = PhoneField(local_numbers=True)
    attributes = serializers.DictField(child=serializers.CharField(allow_blank=True, max_length=500), required=False)
    lists = serializers.SerializerMethodField(help_text="Ids of the lists (that you may see) this contact is on.")
    subscriptions = SubscriptionSerializer(many=True, read_only=True)

    class Meta:
        model = Contact
        fields = [
            "id", "phone", "first_name", "last_name", "attributes", "lists", "network", "network_country", "network_active",
            "network_checked_at", "subscriptions", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["network", "network_country", "network_active", "network_checked_at", "created_at", "updated_at"]

    def validate_phone(self, phone: str) -> str:
        others = Contact.objects.filter(account=request_scope(self).account, phone=phone)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise conflict("phone", "A contact with this phone number already exists.")
        return phone

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_lists(self, contact: Contact) -> list[int]:
        if "lists" in getattr(contact, "_prefetched_objects_cache", {}):  # already cut to the visible lists
            return [each.pk for each in contact.lists.all()]
        return list(visible_objects(ContactList, request_scope(self)).filter(contacts=contact).values_list("pk", flat=True))


class BulkContactItem(serializers.Serializer):
    phone = serializers.CharField(max_length=32)
    first_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    attributes = serializers.DictField(child=serializers.CharField(allow_blank=True, max_length=500), required=False)


@extend_schema_field({"type": "array", "minItems": 1, "maxItems": BULK_LIMIT, "items": {"type": "object"}})
class BulkItemsField(serializers.ListField):
    """Contacts as objects; each is validated on its own (one bad item does not fail the call)."""


class BulkUpsertSerializer(serializers.Serializer):
    contacts = BulkItemsField(child=serializers.JSONField(), min_length=1, max_length=BULK_LIMIT, allow_empty=False)
    list = AccountRelatedField(queryset=ContactList.objects.all(), required=False, allow_null=True, help_text="Also add them to this list.")


class BulkItemResult(serializers.Serializer):
    index = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["created", "updated", "error"])
    id = serializers.IntegerField(allow_null=True)
    phone = serializers.CharField(allow_blank=True)
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)


class BulkUpsertResult(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    errors = serializers.IntegerField()
    results = BulkItemResult(many=True)


class ContactListSerializer(ScopedModelSerializer):
    subaccount = SubaccountField()
    size = serializers.IntegerField(read_only=True, source="member_count", default=0)

    class Meta:
        model = ContactList
        fields = ["id", "name", "subaccount", "size", "created_at"]
        read_only_fields = ["created_at"]

    def validate_name(self, name: str) -> str:
        others = ContactList.objects.filter(account=request_scope(self).account, name=name)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise conflict("name", "A list with this name already exists.")
        return name


class MembershipChangeSerializer(serializers.Serializer):
    contacts = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), min_length=1, max_length=BULK_LIMIT, allow_empty=False
    )


class MembershipChangeResult(serializers.Serializer):
    changed = serializers.IntegerField()
    missing = serializers.ListField(child=serializers.IntegerField(), help_text="Ids that are not your contacts.")


class SuppressionSerializer(ScopedModelSerializer):
    phone = PhoneField()

    class Meta:
        model = Suppression
        fields = ["id", "phone", "reason", "source", "note", "created_at"]
        read_only_fields = ["source", "created_at"]

    def validate_phone(self, phone: str) -> str:
        if self.instance is None and Suppression.objects.filter(account=request_scope(self).account, phone=phone).exists():
            raise conflict("phone", "This number is already suppressed.")
        return phone

    def create(self, validated_data):
        validated_data["source"] = Suppression.Source.API
        return super().create(validated_data)


class CarrierLookupQueued(serializers.Serializer):
    queued = serializers.BooleanField()
    connection = serializers.IntegerField(help_text="The connection that looks the numbers up.")
