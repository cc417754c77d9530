"""Scheduled campaigns handed to the provider ahead of time (Unified /bulksms/schedulemsg,
Wavy scheduledDate) where the connection's ``schedule_setting`` is on: the tick starts such
a campaign up to HANDOFF_AHEAD before its send time, and its messages carry ``send_at``."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from campaigns.models import Campaign
from providers.base import Capability

HANDOFF_AHEAD = timedelta(hours=2)  # how long before its time a campaign goes to the provider
MARGIN = timedelta(minutes=5)  # beyond the provider's own minimum notice


def _backend_cls(connection):
    from providers.registry import UnknownProvider, backend_class

    try:
        return backend_class(connection.provider)
    except UnknownProvider:
        return None


def provider_schedules(connection) -> bool:
    """The connection hands messages with a future send time to its provider."""
    cls = _backend_cls(connection) if connection is not None else None
    if cls is None or not cls.schedule_setting or not cls.supports(Capability.SCHEDULE):
        return False
    return bool((connection.settings or {}).get(cls.schedule_setting))


def provider_send_at(campaign: Campaign | None, now: datetime | None = None, connection=None) -> datetime | None:
    """The send time a campaign's messages carry to the provider (None: send them now).
    ``connection``: the one carrying this batch (a routed campaign names none itself)."""
    connection = connection or (campaign.connection if campaign is not None and campaign.connection_id else None)
    if campaign is None or campaign.send_at is None or not provider_schedules(connection):
        return None
    notice = timedelta(seconds=_backend_cls(connection).schedule_min_ahead)
    return campaign.send_at if campaign.send_at > (now or timezone.now()) + notice else None


def campaign_notice(campaign: Campaign) -> timedelta | None:
    """The provider's notice when every connection the campaign may use schedules on the
    provider's side (the longest of their notices); None when one of them does not."""
    from campaigns.services.routing import campaign_connections

    connections = campaign_connections(campaign)
    if not connections or not all(provider_schedules(c) for c in connections):
        return None
    return timedelta(seconds=max(_backend_cls(c).schedule_min_ahead for c in connections))


def hand_over_scheduled(now: datetime | None = None) -> int:
    """Start the scheduled campaigns due for a provider-side schedule; returns how many."""
    from campaigns.services.carrier import start_with_lookup

    now = now or timezone.now()
    started = 0
    waiting = Campaign.objects.filter(status=Campaign.Status.SCHEDULED, send_at__gt=now, send_at__lte=now + HANDOFF_AHEAD).select_related(
        "connection"
    )
    for campaign in waiting:
        notice = campaign_notice(campaign)
        if notice is None:
            continue
        if campaign.send_at - now < notice + MARGIN:
            continue  # too late for the provider's notice: it starts here at its time
        start_with_lookup(campaign.pk)
        started += 1
    return started
