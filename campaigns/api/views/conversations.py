"""Conversations: list (filters), one thread with its messages, and replies."""

from __future__ import annotations

import django_filters
from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from campaigns.api.errors import ApiError
from campaigns.api.filters import IdFilter, ObjectIdFormField, ScopedFilterSet, StrictBooleanFilter, visible_objects
from campaigns.api.sending import idempotency_key_from
from campaigns.api.serializers.conversations import AssignSerializer, ConversationSerializer, ConversationThreadSerializer, ReplySerializer
from campaigns.api.serializers.messages import MessageSerializer
from campaigns.api.throttling import SendThrottle
from campaigns.api.views.base import ReadOnlyScopedViewSet
from campaigns.api.views.messages import IDEMPOTENCY_HEADER
from campaigns.models import Campaign, Conversation, InboundMessage, Message
from campaigns.services import conversations as service
from campaigns.services.messaging import SendError


class RepliedToFilter(IdFilter):
    """Conversations in which the contact answered this campaign."""

    def filter(self, qs, value):
        if value is None:
            return qs
        scope = getattr(getattr(self.parent.request, "_request", self.parent.request), "api_scope", None)
        if scope is None:
            return qs.none()
        named = visible_objects(Campaign, scope).filter(pk=value).values("pk")
        answered = InboundMessage.objects.filter(campaign__in=named).values("conversation_id")
        return qs.filter(pk__in=answered)


@extend_schema_field({"type": "integer", "minimum": 1})
class UserIdFilter(django_filters.Filter):
    field_class = ObjectIdFormField


class ConversationFilter(ScopedFilterSet):
    unread = StrictBooleanFilter(
        method="filter_unread", help_text="true: with messages not read yet (by you when logged in, by nobody for an API key)."
    )
    opted_out = StrictBooleanFilter(field_name="opted_out", help_text="true: the number opted out.")
    campaign = RepliedToFilter(related_model=Campaign, help_text="The contact replied to this campaign.")
    assigned_to = UserIdFilter(field_name="assigned_to_id", help_text="A user's id.")
    phone = django_filters.CharFilter(field_name="phone")

    class Meta:
        model = Conversation
        fields = ["status", "unread", "opted_out", "campaign", "assigned_to", "phone"]

    def filter_unread(self, qs, name, value):
        return qs.filter(unread__gt=0) if value else qs.filter(unread=0)


class ConversationViewSet(ReadOnlyScopedViewSet):
    """A subaccount key sees its subaccount's conversations and the account-wide ones."""

    queryset = Conversation.objects.all()
    serializer_class = ConversationSerializer
    filterset_class = ConversationFilter

    def get_queryset(self):
        from campaigns.views.marketing.conversations import with_opt_out

        reader = None if self.scope.api_key is not None else self.scope.user  # a key reads for nobody in particular
        return service.with_unread(with_opt_out(super().get_queryset()), reader).order_by("-last_message_at", "-id")

    def get_serializer_class(self):
        return ConversationThreadSerializer if self.action == "retrieve" else ConversationSerializer

    def get_throttles(self):
        return [*super().get_throttles(), SendThrottle()] if self.action == "replies" else super().get_throttles()

    def check_may_change(self, obj) -> None:
        """Replying to an account-wide conversation is open to subaccount keys, as on the web."""

    @extend_schema(request=ReplySerializer, responses={201: MessageSerializer, 200: MessageSerializer}, parameters=[IDEMPOTENCY_HEADER])
    @action(detail=True, methods=["post"], url_path="replies")
    def replies(self, request, *args, **kwargs):
        """Reply to the contact (a single message). 201, or 200 with the first reply for a repeated Idempotency-Key."""
        conversation = self.get_object()
        key = idempotency_key_from(request)
        params = ReplySerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        template = None
        if data.get("template") is not None:
            template = service.whatsapp_templates(conversation).filter(pk=data["template"]).first()
            if template is None or data["channel"] != "whatsapp":
                raise ApiError(400, "validation_error", "template: no WhatsApp template with this id here.", {"template": ["unknown"]})
        if key and Message.objects.filter(account=self.scope.account, idempotency_key=f"reply:{conversation.pk}:{key}"[:120]).exists():
            code = status.HTTP_200_OK
        else:
            code = status.HTTP_201_CREATED
        try:
            message = service.send_reply(
                conversation,
                text=data["text"],
                channel=data["channel"],
                template=template,
                variables=data["variables"],
                key=key,
                user=self.scope.user if getattr(self.scope.user, "pk", None) else None,
            )
        except SendError as exc:
            raise ApiError(422, "send_refused", str(exc) or "The reply cannot be sent.")
        return Response(MessageSerializer(message).data, status=code)

    @extend_schema(request=AssignSerializer, responses={200: ConversationSerializer})
    @action(detail=True, methods=["post"], url_path="assign")
    def assign(self, request, *args, **kwargs):
        """Give the conversation to a user (an admin or marketer who sees it), or to nobody (null)."""
        conversation = self.get_object()
        params = AssignSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        user_id = params.validated_data["user"]
        user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
        try:
            if user_id and user is None:
                raise ValueError("That user cannot take this conversation.")
            service.assign(conversation, user)
        except ValueError as exc:
            raise ApiError(400, "validation_error", f"user: {exc}", {"user": ["not assignable"]})
        return self._current(conversation)

    @extend_schema(request=None, responses={200: ConversationSerializer})
    @action(detail=True, methods=["post"], url_path="done")
    def done(self, request, *args, **kwargs):
        """Mark the conversation done (a new message from the contact opens it again)."""
        conversation = self.get_object()
        service.set_done(conversation, True)
        return self._current(conversation)

    @extend_schema(request=None, responses={200: ConversationSerializer})
    @action(detail=True, methods=["post"], url_path="reopen")
    def reopen(self, request, *args, **kwargs):
        """Open a conversation marked done again."""
        conversation = self.get_object()
        service.set_done(conversation, False)
        return self._current(conversation)

    def _current(self, conversation: Conversation) -> Response:
        return Response(ConversationSerializer(self.get_queryset().get(pk=conversation.pk)).data)
