"""Messages: list (filters: status, campaign, channel, to, dates), retrieve, and transactional sends."""

from __future__ import annotations

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.response import Response

from campaigns.api.errors import ApiError
from campaigns.api.filters import DateTimeFilter, ScopedFilterSet
from campaigns.api.sending import choose_connection, choose_sender, idempotency_key_from, route_single, send_idempotent
from campaigns.api.serializers.messages import InboundMessageSerializer, MessageSerializer, SendSerializer
from campaigns.api.throttling import SendThrottle
from campaigns.api.views.base import ReadOnlyScopedViewSet, ScopedViewSet
from campaigns.models import InboundMessage, Message
from campaigns.models.messages import STATUS_CHOICES


class MessageFilter(ScopedFilterSet):
    status = django_filters.MultipleChoiceFilter(choices=STATUS_CHOICES, help_text="Repeat for several.")
    to = django_filters.CharFilter(field_name="to")
    date = django_filters.DateFilter(field_name="created_at", lookup_expr="date", help_text="Created on this day (UTC).")
    created_after = DateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = DateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Message
        fields = ["status", "campaign", "channel", "to", "date", "created_after", "created_before"]


IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Any unique string (max 120). Repeating it returns the first message (200) and sends nothing.",
)


class MessageViewSet(mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """A subaccount key sees only its subaccount's messages."""

    queryset = Message.objects.prefetch_related("route_attempts")
    serializer_class = MessageSerializer
    filterset_class = MessageFilter
    shared_null = False

    def get_throttles(self):
        return [*super().get_throttles(), SendThrottle()] if self.action == "create" else super().get_throttles()

    @extend_schema(request=SendSerializer, responses={201: MessageSerializer, 200: MessageSerializer}, parameters=[IDEMPOTENCY_HEADER])
    def create(self, request, *args, **kwargs):
        """Send one message now (SMS, voice OTP, WhatsApp). Answers 201, or 200 for a repeated Idempotency-Key."""
        from campaigns.services.ledger import InsufficientBalance
        from campaigns.services.messaging import send_single

        key = idempotency_key_from(request)
        params = SendSerializer(data=request.data, context=self.get_serializer_context())
        params.is_valid(raise_exception=True)
        data = params.validated_data
        channel = data["channel"]
        subaccount = self.scope.subaccount or data.get("subaccount")
        plan = None if data.get("connection") else route_single(self.scope, channel, data["to"], data["sender"], subaccount)
        connection = plan.first if plan else choose_connection(self.scope, channel, data.get("connection"))
        sender = choose_sender(self.scope, channel, data["sender"], connection)
        payload = dict(data["payload"]) or ({"kind": "otp"} if channel == "voice" else {})
        if channel == "voice" and voice_kind(payload) == "call":
            payload = voice_call_payload(self.scope, connection, payload)
        if channel == "whatsapp" and payload.get("media_asset") is not None:
            payload = whatsapp_media_payload(self.scope, connection, payload)
        _check_content(channel, data["text"], payload)
        _check_placeholders(self.scope.account.pk, data["text"], payload)
        wanted = {
            **{name: data[name] for name in ("channel", "to", "text", "sender", "flash")},
            "payload": payload,
            "connection": getattr(data.get("connection"), "pk", None),  # asked for, not routed (a repeat may route elsewhere)
            "subaccount": getattr(subaccount, "pk", None),
        }

        def send():
            return send_single(
                account=self.scope.account,
                connection=connection,
                channel=channel,
                to=data["to"],
                sender=sender,
                text=data["text"],
                payload=payload,
                flash=data["flash"],
                subaccount=subaccount,
                idempotency_key=key,
                user=self.scope.user if getattr(self.scope.user, "pk", None) else None,
                render_with=_recipient_values(self.scope.account, data["to"]),
                route=plan.route if plan else None,
            )

        try:
            outcome = send_idempotent(self.scope, key, wanted, send)
        except InsufficientBalance:
            raise ApiError(422, "insufficient_balance", "The account balance does not cover this message.")
        except ValueError as exc:
            raise ApiError(422, "send_refused", str(exc) or "The message cannot be sent.")
        code = status.HTTP_201_CREATED if outcome.created else status.HTTP_200_OK
        return Response(MessageSerializer(outcome.message).data, status=code)


def voice_kind(payload: dict) -> str:
    """ "call" (a recording, optionally in a call template) or "otp" (a text read out)."""
    kind = str(payload.get("kind") or "").lower()
    if kind:
        return kind
    return "call" if payload.get("recording_id") or payload.get("recording") else "otp"


def voice_call_payload(scope, connection, payload: dict) -> dict:
    """A call plays an approved recording (``recording_id``: ours; or ``recording``: the
    provider's reference), optionally in a call template (``call_template``); no text."""
    from campaigns.models import VoiceRecording

    call = {**payload, "kind": "call"}
    if payload.get("recording_id") is not None:
        recording = (
            VoiceRecording.objects.filter(account=scope.account, pk=_as_int(payload["recording_id"]), status=VoiceRecording.Status.APPROVED)
            .exclude(provider_reference="")
            .first()
        )
        if recording is None or (recording.connection_id and recording.connection_id != connection.pk):
            raise ApiError(
                400,
                "validation_error",
                "payload.recording_id: no approved recording with this id on this connection.",
                {"payload": ["recording_id"]},
            )
        call["recording"] = recording.provider_reference
    if not str(call.get("recording") or "").strip():
        raise ApiError(
            400,
            "validation_error",
            "A voice call needs payload.recording_id (an approved recording) or payload.recording.",
            {"payload": ["recording"]},
        )
    return call


def whatsapp_media_payload(scope, connection, payload: dict) -> dict:
    """``payload.media_asset``: a ready item of the media library, sent by the provider's media id."""
    from campaigns.models import MediaAsset
    from campaigns.services.media import media_payload

    asset = MediaAsset.objects.filter(
        account=scope.account, pk=_as_int(payload["media_asset"]), connection=connection, status=MediaAsset.Status.READY
    ).first()
    if asset is None:
        raise ApiError(
            400, "validation_error", "payload.media_asset: no ready media with this id on this connection.", {"payload": ["media_asset"]}
        )
    return {**payload, **media_payload(asset, str(payload.get("caption") or ""), str(payload.get("filename") or ""))}


def _as_int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _check_content(channel: str, text: str, payload: dict) -> None:
    if channel == "voice" and payload.get("kind") == "call":
        return  # a recording, checked above
    if channel in ("sms", "voice") and not text.strip():
        raise ApiError(
            400,
            "validation_error",
            "text: This field is required for sms and voice OTP (a voice call takes payload.recording_id instead).",
            {"text": ["required"]},
        )
    if channel == "whatsapp" and not text.strip() and not (payload.get("template_id") or payload.get("media_urls") or payload.get("media")):
        raise ApiError(
            400, "validation_error", "Give a text, or a template_id / media_asset / media_urls in payload.", {"payload": ["empty message"]}
        )


def _check_placeholders(account_id: int, text: str, payload: dict) -> None:
    from campaigns.rendering import account_fields, problems
    from campaigns.services.launch_checks import strings

    known = account_fields(account_id)
    found = {
        name: list(dict.fromkeys(p for t in texts for p in problems(t, known)))
        for name, texts in (("text", [text]), ("payload", list(strings(payload))))
    }
    found = {name: listed for name, listed in found.items() if listed}
    if found:
        listed = [p for ps in found.values() for p in ps]
        raise ApiError(400, "invalid_placeholder", " ".join(listed), found)


def _recipient_values(account, to: str) -> dict:
    """Placeholders render for the contact with this number (else only {{ phone }} is known)."""
    from campaigns.models import Contact
    from campaigns.rendering import contact_values

    contact = Contact.objects.filter(account=account, phone=to).first()
    return contact_values(contact) if contact else {"phone": to}


class InboundFilter(ScopedFilterSet):
    from_number = django_filters.CharFilter(field_name="from_number")
    received_after = DateTimeFilter(field_name="received_at", lookup_expr="gte")
    received_before = DateTimeFilter(field_name="received_at", lookup_expr="lt")

    class Meta:
        model = InboundMessage
        fields = ["kind", "from_number", "campaign", "is_opt_out", "received_after", "received_before"]


class InboundMessageViewSet(ReadOnlyScopedViewSet):
    """Replies, USSD input and DTMF. A subaccount key sees those answering its own campaigns or messages."""

    queryset = InboundMessage.objects.all()
    serializer_class = InboundMessageSerializer
    filterset_class = InboundFilter

    def limit_to_subaccount(self, qs):
        sub = self.scope.subaccount
        if sub is None:
            return qs
        from django.db.models import Q

        return qs.filter(Q(campaign__subaccount=sub) | Q(message__subaccount=sub))
