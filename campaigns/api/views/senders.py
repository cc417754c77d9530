"""Sender IDs (list, request), templates, voice recordings (multipart upload), connections (read)."""

from __future__ import annotations

from rest_framework import mixins
from rest_framework.parsers import MultiPartParser

from campaigns.api.permissions import ADMINS
from campaigns.api.serializers.senders import ConnectionSerializer, RecordingSerializer, SenderIDSerializer, TemplateSerializer
from campaigns.api.views.base import CrudScopedViewSet, ReadOnlyScopedViewSet, ScopedViewSet
from campaigns.models import SenderID, Template, VoiceRecording
from providers.models import ProviderConnection


class SenderIDViewSet(mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """POST requests a sender ID; an account admin approves it in the portal."""

    queryset = SenderID.objects.prefetch_related("approved_on")
    serializer_class = SenderIDSerializer
    filterset_fields = ["channel", "status", "subaccount"]


class TemplateViewSet(CrudScopedViewSet):
    queryset = Template.objects.all()
    serializer_class = TemplateSerializer
    filterset_fields = ["kind", "subaccount", "connection"]


class RecordingViewSet(mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, ScopedViewSet):
    queryset = VoiceRecording.objects.all()
    serializer_class = RecordingSerializer
    parser_classes = [MultiPartParser]  # an upload: multipart only (JSON or form-urlencoded cannot carry the file)
    filterset_fields = ["status", "subaccount"]


class ConnectionViewSet(ReadOnlyScopedViewSet):
    """The account's provider connections, without credentials."""

    read_roles = ADMINS  # like /admin/connections/
    queryset = ProviderConnection.objects.all()
    serializer_class = ConnectionSerializer
    subaccount_field = None
    filterset_fields = ["provider", "is_active"]
