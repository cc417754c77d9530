"""Segments: CRUD and a live count."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from campaigns.api.serializers.segments import SegmentCount, SegmentSerializer
from campaigns.api.views.base import CrudScopedViewSet
from campaigns.models import Segment
from campaigns.services.audience import audience_summary


class SegmentViewSet(CrudScopedViewSet):
    queryset = Segment.objects.all()
    serializer_class = SegmentSerializer
    filterset_fields = ["subaccount"]

    @extend_schema(request=None, responses={200: SegmentCount})
    @action(detail=True, methods=["get"], url_path="count", pagination_class=None, filter_backends=[])
    def count(self, request, pk=None):
        """How many contacts the segment holds now, and how many a campaign to it would reach."""
        segment = self.get_object()
        summary = audience_summary(self.scope.account, {"segments": [segment.pk]}, self.scope.subaccount)
        return Response({"contacts": summary.total, "recipients": summary.recipients})
