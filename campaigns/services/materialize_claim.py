"""One materialization of a campaign at a time, across every process and cluster.

The start task and the recovery tick (a stalled campaign, a worker's start-up recovery)
both call ``materialize``; whichever takes the claim (a compare-and-set on an EngineClock
row) creates the messages, the others return at once. The claim is renewed with every
page, so a process killed mid-way leaves a claim that goes stale and is taken over.
The partial unique constraint on Message (campaign, contact) is the last word: even two
holders (one too slow to renew) insert each recipient's message once."""

from __future__ import annotations

import time

from campaigns.services import clock


def claim_seconds() -> float:
    """A claim not renewed this long belongs to a dead (or stuck) process: the engine's
    stale-claim limit (ENGINE_STALE_CLAIM_SECONDS), so a killed start task's campaign is
    picked up by the same recovery that settles its dead sends."""
    from campaigns.services.reconcile import stale_after

    return stale_after().total_seconds()


def claim_key(campaign_id: int) -> str:
    return f"materialize:campaign:{campaign_id}"


def take(campaign_id: int) -> bool:
    """True when this caller may materialize the campaign now."""
    return clock.take(claim_key(campaign_id), claim_seconds())


def renew(campaign_id: int) -> None:
    clock.beat(claim_key(campaign_id))


def release(campaign_id: int) -> None:
    clock.release(claim_key(campaign_id))


def held(campaign_id: int) -> bool:
    """Someone is materializing the campaign (its claim was renewed recently)."""
    at = clock.last_beat(claim_key(campaign_id))
    return at is not None and time.time() - at < claim_seconds()
