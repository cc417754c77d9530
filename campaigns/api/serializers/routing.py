"""Routes and rate cards over the API (admins, account-wide keys)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from campaigns.api.errors import ApiError, conflict
from campaigns.api.serializers.common import AccountRelatedField, ScopedModelSerializer, SubaccountField, request_scope
from campaigns.models import RateCardEntry, Route
from campaigns.services.routing.routes import Member, match_value_problem, members_problem, normalize_match, save_route
from providers.models import ProviderConnection


def connection_field(**kwargs) -> AccountRelatedField:
    return AccountRelatedField(queryset=ProviderConnection.objects.all(), subaccount_field=None, **kwargs)


class RouteMemberSerializer(serializers.Serializer):
    connection = connection_field(help_text="Connection id.")
    weight = serializers.IntegerField(min_value=0, max_value=1_000_000, default=1, help_text="Share of traffic on a weighted route.")


MEMBER_SCHEMA = {
    "type": "object",
    "properties": {
        "connection": {"type": "integer", "description": "Connection id."},
        "weight": {"type": "integer", "minimum": 0, "maximum": 1_000_000, "default": 1, "description": "Share on a weighted route."},
    },
    "required": ["connection"],
}


@extend_schema_field({"type": "array", "minItems": 1, "items": MEMBER_SCHEMA, "description": "In priority order; at least one."})
class RouteMembersField(serializers.ListSerializer):
    """The route's connections, in order (documented with at least one item)."""


class RouteSerializer(ScopedModelSerializer):
    """A route: for a channel and a destination match, its connections in order (the list's
    order is the priority and failover order) and how to choose among them."""

    subaccount = SubaccountField()
    connections = RouteMembersField(child=RouteMemberSerializer(), source="members", min_length=1)

    class Meta:
        model = Route
        fields = [
            "id",
            "name",
            "subaccount",
            "channel",
            "match_kind",
            "match_value",
            "strategy",
            "enabled",
            "connections",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def validate_name(self, name: str) -> str:
        name = name.strip()
        taken = Route.objects.filter(account=request_scope(self).account, name=name)
        if self.instance is not None:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise conflict("name", f"A route called {name} already exists.")
        return name

    def validate(self, attrs: dict) -> dict:
        current = self.instance
        kind = attrs.get("match_kind", getattr(current, "match_kind", Route.Match.DEFAULT))
        value = attrs.get("match_value", getattr(current, "match_value", ""))
        problem = match_value_problem(kind, value)
        if problem:  # well formed, but not a value this kind of match can use
            raise ApiError(422, "invalid_route", problem, {"match_value": [problem]})
        attrs["match_value"] = normalize_match(kind, value)
        probe = Route(
            account=request_scope(self).account,
            channel=attrs.get("channel", getattr(current, "channel", "sms")),
            strategy=attrs.get("strategy", getattr(current, "strategy", Route.Strategy.PRIORITY)),
        )
        if "members" in attrs or current is None:
            members = [Member(m["connection"], i, m.get("weight", 1)) for i, m in enumerate(attrs.get("members") or [])]
            attrs["members"] = members
        else:  # a change of channel or strategy must still suit the route's connections
            members = [Member(m.connection, m.position, m.weight) for m in current.members.select_related("connection")]
        problem = members_problem(probe, members)
        if problem:
            raise ApiError(422, "invalid_route", problem, {"connections": [problem]})
        return attrs

    def create(self, validated_data: dict) -> Route:
        members = validated_data.pop("members")
        scope = request_scope(self)
        route = Route(account=scope.account, **validated_data)
        if scope.subaccount is not None:
            route.subaccount = scope.subaccount
        return save_route(route, members)

    def update(self, route: Route, validated_data: dict) -> Route:
        members = validated_data.pop("members", None)
        for name, value in validated_data.items():
            setattr(route, name, value)
        return save_route(route, members)


class RateCardEntrySerializer(serializers.ModelSerializer):
    """What a connection costs per message for a channel and destination prefix (the
    longest prefix wins; an empty prefix covers every destination)."""

    connection = connection_field(help_text="Connection id.")
    prefix = serializers.RegexField(r"^[0-9]{0,15}$", required=False, allow_blank=True, default="", help_text="E.164 digits, no +.")
    currency = serializers.RegexField(r"^[A-Z]{3}$", required=False, help_text="ISO 4217 code; default the account's.")

    class Meta:
        model = RateCardEntry
        fields = ["id", "connection", "channel", "prefix", "unit", "price", "currency", "updated_at"]
        read_only_fields = ["updated_at"]
        extra_kwargs = {"price": {"min_value": 0}}
        validators = []  # a taken channel + prefix is a 409 (validate), as every taken name in the API

    def validate(self, attrs: dict) -> dict:
        current = self.instance
        key = {name: attrs.get(name, getattr(current, name, "")) for name in ("connection", "channel", "prefix")}
        clash = RateCardEntry.objects.filter(**key)
        if current is not None:
            clash = clash.exclude(pk=current.pk)
        if clash.exists():
            raise conflict("prefix", "This connection already has a price for that channel and prefix.")
        if current is None and not attrs.get("currency"):
            attrs["currency"] = request_scope(self).account.currency
        return attrs


class RateCardUploadSerializer(serializers.Serializer):
    connection = connection_field(help_text="The connection whose rate card this is.")
    csv = serializers.CharField(
        max_length=5_000_000,
        trim_whitespace=False,
        help_text="CSV text with a header: channel, prefix, price and optionally unit (segment, pulse30, minute, message) and currency.",
    )
    replace = serializers.BooleanField(
        default=False, help_text="Delete the connection's entries the file does not list (only if no row is rejected)."
    )


class RowErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="1 is the header.")
    message = serializers.CharField()


class RateCardUploadResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    errors = RowErrorSerializer(many=True, help_text="Rejected rows; the others were saved.")
