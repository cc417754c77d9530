"""The pipeline's side of routing: a batch task sends on one connection (pacing is per
connection), so a range of a campaign whose messages the router spread over several
connections becomes one task per connection; before each call, the connection's breaker."""

from __future__ import annotations

from campaigns.models import Campaign, Message
from campaigns.services.routing import breaker
from campaigns.services.routing.failover import move_off
from providers.base import MessageStatus as S


def connection_for_batch(campaign: Campaign, lo: int, hi: int | None, connection_id: int | None):
    """The connection a batch task over [lo, hi] sends on, or None when there is nothing
    for this task to send: the range holds messages of several connections (one task per
    connection is queued instead) or no pending message at all."""
    from campaigns.services.pipeline import enqueue_range
    from providers.models import ProviderConnection

    if connection_id is not None:
        return ProviderConnection.objects.filter(pk=connection_id).first()
    qs = Message.objects.filter(campaign_id=campaign.pk, status=S.PENDING, pk__gte=lo)
    if hi is not None:
        qs = qs.filter(pk__lte=hi)
    found = sorted(set(qs.values_list("connection_id", flat=True).distinct()))
    if not found:
        return campaign.connection if campaign.connection_id else None
    if len(found) == 1:
        return ProviderConnection.objects.filter(pk=found[0]).first()
    for each in found:
        enqueue_range(campaign.pk, lo, hi, each)
    return None


def may_call(campaign_id: int, connection_id: int, lo: int, hi: int | None) -> bool:
    """Whether the batch may call its connection now. When the connection is out of
    rotation, its waiting messages in the range move to their next connection (or wait for
    the probe) and the task stops."""
    if breaker.gate(connection_id) != "open":
        return True
    move_off(campaign_id, connection_id, lo, hi)
    return False
