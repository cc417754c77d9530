"""Campaigns: CRUD of drafts, launch, pause, resume, cancel, stats."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from campaigns.api.errors import ApiError
from campaigns.api.filters import DateTimeFilter, ScopedFilterSet
from campaigns.api.serializers.ab_tests import PickWinnerSerializer, ab_results_data
from campaigns.api.serializers.campaigns import CampaignSerializer, CampaignStatsSerializer, PauseSerializer
from campaigns.api.views.base import CrudScopedViewSet
from campaigns.models import Campaign
from campaigns.services.campaigns import CampaignStateError


class CampaignFilter(ScopedFilterSet):
    created_after = DateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = DateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Campaign
        fields = ["status", "channel", "subaccount", "created_after", "created_before"]


class CampaignViewSet(CrudScopedViewSet):
    """A subaccount key sees and runs only its subaccount's campaigns."""

    queryset = Campaign.objects.select_related("sender", "connection")
    serializer_class = CampaignSerializer
    filterset_class = CampaignFilter
    shared_null = False

    def update(self, request, *args, **kwargs):
        campaign = self.get_object()
        if campaign.status != Campaign.Status.DRAFT:
            raise ApiError(409, "not_a_draft", f"Only a draft campaign can be changed; this one is {campaign.status}.")
        return super().update(request, *args, **kwargs)

    def perform_destroy(self, instance: Campaign) -> None:
        if instance.status != Campaign.Status.DRAFT:
            raise ApiError(409, "not_a_draft", "Only a draft campaign can be deleted; cancel this one instead.")
        instance.delete()

    @extend_schema(request=None, responses={200: CampaignSerializer})
    @action(detail=True, methods=["post"])
    def launch(self, request, pk=None):
        """Validate and schedule the campaign (now, or at its send_at)."""
        from campaigns.services.campaigns import LaunchError, launch

        campaign = self.get_object()
        if campaign.status != Campaign.Status.DRAFT:
            raise ApiError(409, "invalid_state", f"A {campaign.status} campaign cannot be launched.")
        try:
            launch(campaign, self.scope.user if getattr(self.scope.user, "pk", None) else None)
        except LaunchError as exc:
            if exc.content_problems:  # the text itself is wrong: a bad request, like creating it would be
                raise ApiError(
                    400,
                    "invalid_content",
                    "The campaign cannot be launched: " + " ".join(exc.content_problems),
                    {"text": exc.content_problems},
                )
            raise ApiError(422, "launch_refused", "The campaign cannot be launched: " + " ".join(exc.errors), {"launch": list(exc.errors)})
        return self._current(campaign)

    @extend_schema(request=PauseSerializer, responses={200: CampaignSerializer})
    @action(detail=True, methods=["post"])
    def pause(self, request, pk=None):
        from campaigns.services.campaigns import pause

        params = PauseSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        return self._transition("paused", lambda c: pause(c, reason=params.validated_data["reason"]))

    @extend_schema(request=None, responses={200: CampaignSerializer})
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        from campaigns.services.campaigns import resume

        campaign = self.get_object()
        if campaign.status != Campaign.Status.PAUSED:
            raise ApiError(409, "invalid_state", f"Only a paused campaign can be resumed; this one is {campaign.status}.")
        try:
            resume(campaign)
        except CampaignStateError as exc:
            raise ApiError(409, "invalid_state", str(exc))
        return self._current(campaign)

    @extend_schema(request=None, responses={200: CampaignSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        from campaigns.services.campaigns import cancel

        return self._transition("cancelled", cancel)

    @extend_schema(request=None, responses={200: CampaignStatsSerializer})
    @action(detail=True, methods=["get"])
    def stats(self, request, pk=None):
        """Counts per message status (kept as messages change, cheap at any size), the rates
        (one definition: delivered / final provider outcomes; cancelled and unsent messages
        are in no rate) and money as decimal strings."""
        from campaigns.services.counts import campaign_counts
        from campaigns.services.links import clicks_by_campaign
        from campaigns.services.rates import rates

        campaign = self.get_object()
        counts = campaign_counts(campaign)
        data = {
            "status": campaign.status,
            "counts": counts,
            "rates": rates(counts, campaign.expired_unsent).as_dict(),
            "clicks": clicks_by_campaign(campaign),
            "recipients": campaign.recipients,
            "dropped": {
                "suppressed": campaign.dropped_suppressed,
                "invalid": campaign.dropped_invalid,
                "duplicate": campaign.dropped_duplicate,
            },
            "estimated_cost": campaign.estimated_cost,
            "spent": campaign.spent,
            "currency": campaign.account.currency,
            "ab_test": ab_results_data(campaign),
        }
        return Response(CampaignStatsSerializer(data).data)

    @extend_schema(request=PickWinnerSerializer, responses={200: CampaignSerializer})
    @action(detail=True, methods=["post"])
    def pick_winner(self, request, pk=None):
        """Pick the A/B test's winner (while it tests, or waits for a pick): the rest of the audience gets it."""
        from campaigns.services.ab_tests import pick_by_label

        params = PickWinnerSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        campaign = self.get_object()
        problem = pick_by_label(campaign, params.validated_data["label"], self.scope.user if getattr(self.scope.user, "pk", None) else None)
        if problem:
            raise ApiError(409, "invalid_state", problem)
        return self._current(campaign)

    def _transition(self, target: str, change) -> Response:
        campaign = self.get_object()
        if not campaign.can_become(target):
            raise ApiError(409, "invalid_state", f"A {campaign.status} campaign cannot become {target}.")
        try:
            change(campaign)
        except CampaignStateError as exc:
            raise ApiError(409, "invalid_state", str(exc) or f"The campaign cannot become {target}.")
        return self._current(campaign)

    def _current(self, campaign: Campaign) -> Response:
        campaign.refresh_from_db()
        return Response(self.get_serializer(campaign).data)
