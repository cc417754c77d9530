"""Campaigns: what to send, to whom, through which connection, and when."""

from __future__ import annotations

from rest_framework import serializers

from campaigns.api.errors import ApiError
from campaigns.api.filters import MAX_ID
from campaigns.api.serializers.ab_tests import ABTestResultsSerializer, ABTestSerializer, first_variant_text, save_ab_test
from campaigns.api.serializers.common import (
    AccountRelatedField,
    LocalTimeField,
    ScopedModelSerializer,
    SubaccountField,
    TimeZoneField,
    acting_user,
    request_scope,
)
from campaigns.models import Campaign, ContactList, SenderID, Template
from campaigns.services.rates import DELIVERY_RATE_HELP, FAILURE_RATE_HELP
from campaigns.status import FAILURES, ORDER
from providers.models import ProviderConnection


class AudienceSerializer(serializers.Serializer):
    lists = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False, default=list)
    exclude_lists = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False, default=list)
    # No default: a spec without segments reads back as it was stored.
    segments = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        help_text="Segment ids, with or instead of lists.",
    )
    exclude_segments = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False)
    resend_of = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text="Instead of lists: the recipients of this campaign whose messages ended in `statuses`.",
    )
    statuses = serializers.ListField(
        child=serializers.ChoiceField(choices=[str(s) for s in ORDER if s in FAILURES]),
        required=False,
        help_text="With resend_of: which failures to resend to (default: all of them).",
    )


class CampaignSerializer(ScopedModelSerializer):
    subaccount = SubaccountField()
    connection = AccountRelatedField(queryset=ProviderConnection.objects.all(), subaccount_field=None, required=False, allow_null=True)
    sender = AccountRelatedField(queryset=SenderID.objects.all(), required=False, allow_null=True)
    template = AccountRelatedField(queryset=Template.objects.all(), required=False, allow_null=True)
    audience = AudienceSerializer(
        required=False,
        help_text='{"lists": [ids], "segments": [ids], "exclude_lists": [ids], "exclude_segments": [ids]} '
        'or {"resend_of": campaign id, "statuses": [...]}',
    )
    content = serializers.DictField(required=False, help_text="Channel options (voice, WhatsApp, USSD).")
    channel = serializers.ChoiceField(choices=["sms", "voice", "whatsapp", "ussd"], default="sms")
    timezone = TimeZoneField(required=False)
    allowed_start = LocalTimeField(required=False, allow_null=True, help_text="Send only after this local time, e.g. 09:00.")
    allowed_end = LocalTimeField(required=False, allow_null=True, help_text="...and before this one, e.g. 20:00.")
    ab_test = ABTestSerializer(required=False, allow_null=True, help_text="2-4 content variants and how the winner is chosen; null: none.")
    local_time = LocalTimeField(
        source="local_send_time",
        required=False,
        allow_null=True,
        help_text="Send at this time in each recipient's own zone (their timezone field, else their number), e.g. 10:00; "
        "the campaign goes out in waves. Null: everyone at once.",
    )
    cap_mode = serializers.ChoiceField(
        choices=["skip", "defer"],
        required=False,
        help_text="Recipients over the account's frequency cap: skip them, or defer them until the cap allows.",
    )

    class Meta:
        model = Campaign
        fields = [
            "id", "name", "channel", "subaccount", "connection", "sender", "template", "text", "flash", "track_links", "content", "audience",
            "send_at", "timezone", "allowed_start", "allowed_end", "expires_at", "mps", "ab_test", "local_time", "cap_mode",
            "status", "status_reason", "recipients", "dropped_suppressed", "dropped_invalid", "dropped_duplicate",
            "dropped_capped", "deferred_capped", "deferred_quiet", "estimated_cost", "spent", "is_test", "created_at", "updated_at", "launched_at", "started_at", "finished_at",
        ]  # fmt: skip
        read_only_fields = [
            "status", "status_reason", "recipients", "dropped_suppressed", "dropped_invalid", "dropped_duplicate",
            "dropped_capped", "deferred_capped", "deferred_quiet", "estimated_cost", "spent", "is_test", "created_at", "updated_at", "launched_at", "started_at", "finished_at",
        ]  # fmt: skip

    def validate_audience(self, audience: dict) -> dict:
        scope = request_scope(self)
        if audience.get("resend_of"):
            return self._resend_audience(audience, scope)
        wanted = set(audience.get("lists", [])) | set(audience.get("exclude_lists", []))
        visible = ContactList.objects.filter(account=scope.account, pk__in=wanted)
        if scope.subaccount is not None:
            from django.db.models import Q

            visible = visible.filter(Q(subaccount=scope.subaccount) | Q(subaccount__isnull=True))
        missing = wanted - set(visible.values_list("pk", flat=True))
        if missing:
            problem = f"No such list: {', '.join(map(str, sorted(missing)))}."
            raise ApiError(404, "not_found", f"audience: {problem}", {"audience": [problem]})
        self._check_segments(audience, scope)
        spec = {"lists": list(audience.get("lists", [])), "exclude_lists": list(audience.get("exclude_lists", []))}
        spec.update({key: list(audience[key]) for key in ("segments", "exclude_segments") if audience.get(key)})
        return spec

    def _check_segments(self, audience: dict, scope) -> None:
        from campaigns.services.segments import visible_segments

        wanted = set(audience.get("segments", [])) | set(audience.get("exclude_segments", []))
        missing = wanted - set(visible_segments(scope.account, scope.subaccount).filter(pk__in=wanted).values_list("pk", flat=True))
        if missing:
            problem = f"No such segment: {', '.join(map(str, sorted(missing)))}."
            raise ApiError(404, "not_found", f"audience: {problem}", {"audience": [problem]})

    def validate_timezone(self, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise serializers.ValidationError("Unknown time zone; use an IANA name like Asia/Karachi.")
        return value

    def validate(self, attrs: dict) -> dict:
        if self.instance is not None and self.instance.status != Campaign.Status.DRAFT:
            raise serializers.ValidationError("Only a draft campaign can be changed.")
        channel = attrs.get("channel", getattr(self.instance, "channel", "sms"))
        sender = attrs.get("sender", getattr(self.instance, "sender", None))
        if sender is not None and sender.channel != channel:
            raise serializers.ValidationError({"sender": [f"This sender ID is for {sender.channel}, not {channel}."]})
        connection = attrs.get("connection", getattr(self.instance, "connection", None))
        if connection is not None and not connection.serves(channel):
            raise serializers.ValidationError({"connection": [f"This connection does not send {channel}."]})
        if (text := first_variant_text(attrs.get("ab_test"), attrs.get("text"))) is not None:
            attrs["text"] = text
        self._check_placeholders(attrs)
        return attrs

    def _resend_audience(self, audience: dict, scope) -> dict:
        source = Campaign.objects.filter(account=scope.account, pk=audience["resend_of"])
        if scope.subaccount is not None:
            source = source.filter(subaccount=scope.subaccount)
        if not source.exists():  # an id you cannot see is a 404, as for lists and segments
            problem = f"No such campaign: {audience['resend_of']}."
            raise ApiError(404, "not_found", f"audience: {problem}", {"audience": [problem]})
        if any(audience.get(k) for k in ("lists", "exclude_lists", "segments", "exclude_segments")):
            raise serializers.ValidationError("Give either lists and segments, or resend_of, not both.")
        from campaigns.services.resend import RESEND_STATUSES

        return {"resend_of": audience["resend_of"], "statuses": list(audience.get("statuses") or RESEND_STATUSES)}

    def _check_placeholders(self, attrs: dict) -> None:
        """Unknown fields, tags and broken braces are refused here, not discovered at launch."""
        from campaigns.rendering import account_fields, problems
        from campaigns.services.launch_checks import strings

        known = account_fields(request_scope(self).account.pk)
        found = {}
        for name in ("text", "content"):
            if name in attrs:
                texts = [attrs[name]] if isinstance(attrs[name], str) else list(strings(attrs[name]))
                listed = list(dict.fromkeys(p for text in texts for p in problems(text, known)))
                if listed:
                    found[name] = listed
        if found:
            raise serializers.ValidationError(found)

    def create(self, validated_data):
        validated_data["created_by"] = acting_user(self)
        ab_test = validated_data.pop("ab_test", None)
        campaign = super().create(validated_data)
        save_ab_test(campaign, ab_test)
        return campaign

    def update(self, instance, validated_data):
        changes_ab_test, ab_test = "ab_test" in validated_data, validated_data.pop("ab_test", None)
        campaign = super().update(instance, validated_data)
        if changes_ab_test:
            save_ab_test(campaign, ab_test)
        return campaign


def _counts_serializer() -> type[serializers.Serializer]:
    """One integer per message status (the schema lists every status, ``cancelled`` too)."""
    fields = {str(s): serializers.IntegerField() for s in ORDER}
    fields["total"] = serializers.IntegerField()
    return type("StatusCountsSerializer", (serializers.Serializer,), fields)


StatusCountsSerializer = _counts_serializer()


class RatesSerializer(serializers.Serializer):
    outcomes = serializers.IntegerField(help_text="Messages with a final provider outcome: the rates' denominator.")
    delivered = serializers.IntegerField()
    failed = serializers.IntegerField(help_text="Undelivered, expired by the provider, rejected or failed.")
    cancelled = serializers.IntegerField(help_text="Never handed to a provider: the campaign was cancelled first.")
    expired_unsent = serializers.IntegerField(help_text="Never handed to a provider: the campaign expired first.")
    delivery_rate = serializers.FloatField(allow_null=True, help_text=f"Percent, 1 decimal. {DELIVERY_RATE_HELP}")
    failure_rate = serializers.FloatField(allow_null=True, help_text=f"Percent, 1 decimal. {FAILURE_RATE_HELP}")


class DroppedSerializer(serializers.Serializer):
    suppressed = serializers.IntegerField()
    invalid = serializers.IntegerField()
    duplicate = serializers.IntegerField()


class ClicksSerializer(serializers.Serializer):
    clicks = serializers.IntegerField(help_text="Taps on the campaign's tracked short links by people (bots and link previews left out).")
    unique_clickers = serializers.IntegerField(help_text="Recipients who tapped at least once.")
    ctr = serializers.FloatField(allow_null=True, help_text="Click-through rate: unique clickers / delivered, percent with 1 decimal.")
    bot_clicks = serializers.IntegerField(help_text="Link previews, HEAD requests and taps within a second of delivery: not counted.")


class CampaignStatsSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Campaign.Status.choices)
    counts = StatusCountsSerializer()
    rates = RatesSerializer()
    clicks = ClicksSerializer()
    recipients = serializers.IntegerField()
    dropped = DroppedSerializer()
    estimated_cost = serializers.DecimalField(max_digits=14, decimal_places=4, coerce_to_string=True)
    spent = serializers.DecimalField(max_digits=14, decimal_places=4, coerce_to_string=True)
    currency = serializers.CharField()
    ab_test = ABTestResultsSerializer(allow_null=True, help_text="Per-variant results of an A/B campaign; null for others.")


class PauseSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")
