"""Shared serializer pieces: fields limited to the caller's account, phone numbers."""

from __future__ import annotations

from zoneinfo import available_timezones

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from campaigns.api.errors import ApiError
from campaigns.forms.phones import PhoneError, normalize_phone
from campaigns.models import Subaccount


def request_scope(serializer_or_field):
    return serializer_or_field.context["request"]._request.api_scope


def acting_user(serializer_or_field):
    """The portal user behind the request (a key's creator), or None."""
    user = request_scope(serializer_or_field).user
    return user if getattr(user, "pk", None) else None


class ReferenceField(serializers.PrimaryKeyRelatedField):
    """An id naming another object. One the caller may not see, or that does not exist, is a
    404 naming the field (like the object's own URL), not a 400: the request was well formed."""

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if "does_not_exist" not in _codes(exc.get_codes()):
                raise
            problem = f"No such object: {data}."
            raise ApiError(404, "not_found", f"{self.field_name}: {problem}", {self.field_name: [problem]})


def _codes(codes) -> list[str]:
    if isinstance(codes, dict):
        return [c for value in codes.values() for c in _codes(value)]
    if isinstance(codes, list):
        return [c for value in codes for c in _codes(value)]
    return [codes]


class AccountRelatedField(ReferenceField):
    """An id of one of the caller's own objects; anything else reads as 'does not exist'.
    With ``shared=True`` a subaccount key may also pick account-wide objects (null subaccount)."""

    def __init__(self, *, subaccount_field: str | None = "subaccount", **kwargs) -> None:
        self.subaccount_field = subaccount_field
        super().__init__(**kwargs)

    def get_queryset(self):
        scope = request_scope(self)
        qs = super().get_queryset().filter(account=scope.account)
        if self.subaccount_field and scope.subaccount is not None:
            from django.db.models import Q

            qs = qs.filter(Q(**{self.subaccount_field: scope.subaccount}) | Q(**{f"{self.subaccount_field}__isnull": True}))
        return qs


class SubaccountField(ReferenceField):
    """Account-wide keys may place an object in a subaccount; a subaccount key's objects
    always go to its own subaccount (the field is ignored for them)."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("queryset", Subaccount.objects.all())
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("help_text", "Subaccount id; empty for account-wide. Ignored for subaccount keys.")
        super().__init__(**kwargs)

    def get_queryset(self):
        return super().get_queryset().filter(account=request_scope(self).account)


# "phone" is our own string format: a number valid for its country's numbering plan, in E.164
# (or international) form. A plain string to tools that do not know the format.
@extend_schema_field({"type": "string", "format": "phone", "maxLength": 32, "example": "+923001234567"})
class PhoneField(serializers.CharField):
    """A phone number, stored in E.164 form. With ``local_numbers`` a number without a
    country code is read in the account's country (as the portal's forms and imports do)."""

    def __init__(self, local_numbers: bool = False, **kwargs) -> None:
        self.local_numbers = local_numbers
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault(
            "help_text", "E.164, e.g. +923001234567" + ("; without a country code, read in the account's country" if local_numbers else "")
        )
        super().__init__(**kwargs)

    def to_internal_value(self, data) -> str:
        text = super().to_internal_value(data)
        if self.max_length is not None and len(text) > self.max_length:  # checked before normalizing shortens it
            self.fail("max_length", max_length=self.max_length)
        region = request_scope(self).account.phone_region if self.local_numbers else None
        try:
            return normalize_phone(text, region)
        except PhoneError as exc:
            raise serializers.ValidationError(str(exc))


class ScopedModelSerializer(serializers.ModelSerializer):
    """Sets account and subaccount on create from the caller's scope."""

    def create(self, validated_data):
        scope = request_scope(self)
        validated_data["account"] = scope.account
        if ("subaccount" in self.fields or hasattr(self.Meta.model, "subaccount_id")) and scope.subaccount is not None:
            validated_data["subaccount"] = scope.subaccount
        return super().create(validated_data)

    def update(self, instance, validated_data):
        if request_scope(self).subaccount is not None:
            validated_data.pop("subaccount", None)
        return super().update(instance, validated_data)


@extend_schema_field({"type": "string", "enum": sorted(available_timezones()), "example": "Asia/Karachi"})
class TimeZoneField(serializers.CharField):
    """An IANA time zone name."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("help_text", "IANA time zone name, e.g. Asia/Karachi.")
        super().__init__(**kwargs)


@extend_schema_field({"type": "string", "pattern": r"^[0-2][0-9]:[0-5][0-9](:[0-5][0-9])?$", "example": "09:00"})
class LocalTimeField(serializers.TimeField):
    """A wall-clock time in the recipients' zone ("09:00"), without offset."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("format", "%H:%M")
        kwargs.setdefault("input_formats", ["%H:%M", "%H:%M:%S"])
        super().__init__(**kwargs)
