"""Messages: list (filters: status, campaign, channel, to, dates), retrieve, and transactional sends."""

from __future__ import annotations

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.response import Response

from campaigns.api.errors import ApiError
from campaigns.api.filters import DateTimeFilter, ScopedFilterSet
from campaigns.api.sending import choose_connection, choose_sender, idempotency_key_from, send_idempotent
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

    queryset = Message.objects.all()
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
        connection = choose_connection(self.scope, channel, data.get("connection"))
        sender = choose_sender(self.scope, channel, data["sender"], connection)
        payload = dict(data["payload"]) or ({"kind": "otp"} if channel == "voice" else {})
        _check_content(channel, data["text"], payload)
        subaccount = self.scope.subaccount or data.get("subaccount")
        wanted = {
            **{name: data[name] for name in ("channel", "to", "text", "sender", "flash")},
            "payload": payload,
            "connection": connection.pk,
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
            )

        try:
            outcome = send_idempotent(self.scope, key, wanted, send)
        except InsufficientBalance:
            raise ApiError(422, "insufficient_balance", "The account balance does not cover this message.")
        except ValueError as exc:
            raise ApiError(422, "send_refused", str(exc) or "The message cannot be sent.")
        code = status.HTTP_201_CREATED if outcome.created else status.HTTP_200_OK
        return Response(MessageSerializer(outcome.message).data, status=code)


def _check_content(channel: str, text: str, payload: dict) -> None:
    if channel in ("sms", "voice") and not text.strip():
        raise ApiError(400, "validation_error", "text: This field is required for sms and voice.", {"text": ["required"]})
    if channel == "whatsapp" and not text.strip() and not payload.get("template_id") and not payload.get("media_urls"):
        raise ApiError(400, "validation_error", "Give a text, or a template_id / media_urls in payload.", {"payload": ["empty message"]})


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
