"""Segments over the API: saved conditions (checked like the web editor's) and their counts."""

from __future__ import annotations

from rest_framework import serializers

from campaigns.api.errors import ApiError, conflict
from campaigns.api.serializers.common import ScopedModelSerializer, SubaccountField, acting_user, request_scope
from campaigns.models import Segment
from campaigns.services.segments import FIELDS, KIND_OPS, MAX_GROUPS, MAX_RULES, SegmentError, clean_conditions

CONDITIONS_HELP = (
    '{"match": "all"|"any", "groups": [{"match": "all"|"any", "rules": [{"field", "op", "value"}]}]}. '
    "Fields: phone, first_name, last_name, network, country, list, subscription, consent, opted_out, suppressed, "
    "received, delivered, failed, clicked, replied, campaign, last_campaign, or attr:<custom field>."
)


ALL_OPS = sorted({op for ops in KIND_OPS.values() for op in ops})
FIELD_PATTERN = "^(" + "|".join(FIELDS) + r"|attr:[A-Za-z0-9_-]{1,60})$"


class RuleSerializer(serializers.Serializer):
    field = serializers.RegexField(FIELD_PATTERN, help_text="A contact field, an engagement, or attr:<custom field key>.")
    op = serializers.ChoiceField(choices=ALL_OPS, help_text="Which operators a field takes: see the segment editor.")
    value = serializers.JSONField(required=False, allow_null=True, help_text="Text, a number, [from, to], a date, days or ids.")


class GroupSerializer(serializers.Serializer):
    match = serializers.ChoiceField(choices=["all", "any"], default="all")
    rules = serializers.ListField(child=RuleSerializer(), min_length=1, max_length=MAX_RULES)


class ConditionsSerializer(serializers.Serializer):
    match = serializers.ChoiceField(choices=["all", "any"], default="all", help_text="How the groups combine.")
    groups = serializers.ListField(child=GroupSerializer(), min_length=1, max_length=MAX_GROUPS)


class SegmentSerializer(ScopedModelSerializer):
    subaccount = SubaccountField()
    conditions = ConditionsSerializer(help_text=CONDITIONS_HELP)

    class Meta:
        model = Segment
        fields = ["id", "name", "subaccount", "conditions", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]

    def validate_name(self, name: str) -> str:
        others = Segment.objects.filter(account=request_scope(self).account, name=name)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise conflict("name", "A segment with this name already exists.")
        return name

    def validate_conditions(self, conditions) -> dict:
        """Well formed (the schema) but naming an operator a field lacks, a list that is not yours
        or a value that is not a number: refused with 422, each bad rule named."""
        try:
            scope = request_scope(self)
            return clean_conditions(scope.account, _plain(conditions), scope.subaccount)
        except SegmentError as exc:
            raise ApiError(422, "invalid_conditions", "conditions: " + " ".join(exc.problems), {"conditions": exc.problems}) from None

    def create(self, validated_data):
        validated_data["created_by"] = acting_user(self)
        return super().create(validated_data)


class SegmentCount(serializers.Serializer):
    contacts = serializers.IntegerField(help_text="Contacts matching the conditions now.")
    recipients = serializers.IntegerField(help_text="Of those, how many a campaign would reach (suppressed and invalid numbers left out).")


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
