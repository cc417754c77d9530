"""Failover: a message the provider certainly did not take moves to the next connection of
its plan, once per connection, with a RouteAttempt saying where it was and why. A message
that may have reached a provider (`unknown`, a timeout after sending) never moves."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from campaigns.models import Message, RouteAttempt, SenderID
from campaigns.services.counts import record_deltas, transition_deltas
from campaigns.services.routing import breaker
from campaigns.services.routing.plan import Router
from campaigns.services.transitions import update_each
from providers.base import ErrorClass, ErrorCode, SendResult
from providers.base import MessageStatus as S

MOVE_COLUMNS = ("id", "account_id", "subaccount_id", "campaign_id", "channel", "sender", "to", "segments", "contact__network")
# A connection chosen explicitly never changes: a campaign that names one, a single send
# that named one (no route recorded).
PINNED = Q(campaign__connection__isnull=False) | Q(campaign__isnull=True, route__isnull=True)


def may_fail_over(result: SendResult) -> bool:
    """The provider certainly did not take the message, for a reason another connection may
    not have: the account refused (bad key, no balance there), the connection down, or a
    refusal the provider package marks route-specific (an uncovered network or country)."""
    error = result.error
    if error is None or result.status in (S.UNKNOWN, S.SUBMITTED, S.SENT, S.DELIVERED):
        return False
    if error.error_class == ErrorClass.AMBIGUOUS:
        return False
    if error.error_class == ErrorClass.ACCOUNT or error.route_specific:
        return True
    return error.error_class == ErrorClass.RETRYABLE and error.code == ErrorCode.NETWORK


@dataclass(frozen=True)
class Move:
    message_id: int
    campaign_id: int | None
    to_connection: int
    cost: object


def after_call(connection_id: int, results: Sequence[SendResult], won: Sequence[int]) -> tuple[list[SendResult], list[int], list[Move]]:
    """What the pipeline calls with one provider call's results, inside its recording
    transaction: counts the call for the circuit breaker, moves the messages that may fail
    over to their next connection (pending again), and returns the results and claimed ids
    left for the usual recording, and the moves, for ``queue_moves`` once committed."""
    results = list(results)
    breaker.record_call(connection_id, results)
    _keep_provider_costs(results)
    mine = set(won)
    candidates = {r.message_id: r for r in results if r.message_id in mine and may_fail_over(r)}
    if not candidates:
        return results, list(won), []
    moves = move_messages(connection_id, candidates, from_status=S.QUEUED)
    moved = {m.message_id for m in moves}
    return [r for r in results if r.message_id not in moved], [pk for pk in won if pk not in moved], moves


def _keep_provider_costs(results: list[SendResult]) -> None:
    """Where the provider said what a message cost, that figure replaces the rate card's."""
    costs = {r.message_id: {"connection_cost": r.cost} for r in results if r.cost is not None and r.status == S.SUBMITTED}
    if costs:
        update_each(costs)


def move_messages(connection_id: int, refusals: dict[int, SendResult | None], *, from_status: str) -> list[Move]:
    """Move messages (``from_status`` on ``connection_id``) to the next connection of their
    plan they have not tried; ``refusals[id]`` is why (None: the connection is out of
    rotation, nothing was sent). Returns the moves (``queue_moves`` sends them once the
    caller's transaction has committed); the messages not moved stay for the caller."""
    qs = Message.objects.filter(pk__in=list(refusals), status=from_status, connection_id=connection_id).exclude(PINNED)
    rows = list(qs.values_list(*MOVE_COLUMNS))
    tried = _tried(rows, connection_id)
    moves: list[Move] = []
    routers: dict[tuple, Router] = {}
    for pk, account_id, subaccount_id, campaign_id, channel, sender, to, segments, network in rows:
        router = _router(routers, account_id, channel, subaccount_id, sender)
        plan = router.plan(to, network=network or "", units=segments)
        following = next((c for c in plan.connections if c.pk not in tried[pk] and c.pk not in router.open), None)
        if following is not None:
            moves.append(Move(pk, campaign_id, following.pk, router.cost(following.pk, to, segments)))
    if moves:
        _apply(connection_id, moves, refusals, from_status)
    return moves


def _tried(rows: list, connection_id: int) -> dict[int, set[int]]:
    tried: dict[int, set[int]] = defaultdict(lambda: {connection_id})
    for message_id, conn in RouteAttempt.objects.filter(message_id__in=[r[0] for r in rows]).values_list("message_id", "connection_id"):
        tried[message_id].add(conn)
    return tried


def _router(cache: dict, account_id: int, channel: str, subaccount_id: int | None, sender: str) -> Router:
    key = (account_id, channel, subaccount_id, sender)
    if key not in cache:
        found = SenderID.objects.filter(account_id=account_id, channel=channel, value=sender).first() if sender else None
        cache[key] = Router(account_id, channel, sender=found, subaccount=subaccount_id)
    return cache[key]


def _apply(connection_id: int, moves: list[Move], refusals: dict[int, SendResult | None], from_status: str) -> None:
    now = timezone.now()
    with transaction.atomic():
        by_target: dict[int, list[int]] = defaultdict(list)
        for move in moves:
            by_target[move.to_connection].append(move.message_id)
        counted = []
        for target, ids in by_target.items():
            qs = Message.objects.filter(pk__in=ids, status=from_status, connection_id=connection_id)
            counted += list(qs.values_list("account_id", "campaign_id"))
            qs.update(connection_id=target, status=S.PENDING, queued_at=None, next_attempt_at=None, updated_at=now)
        update_each({m.message_id: {"connection_cost": m.cost or 0} for m in moves})
        if from_status != S.PENDING:
            record_deltas(transition_deltas(((a, c, from_status) for a, c in counted), S.PENDING))
        RouteAttempt.objects.bulk_create([_attempt(connection_id, m, refusals.get(m.message_id)) for m in moves])


def _attempt(connection_id: int, move: Move, result: SendResult | None) -> RouteAttempt:
    error = result.error if result is not None else None
    return RouteAttempt(
        message_id=move.message_id,
        connection_id=connection_id,
        moved_to_id=move.to_connection,
        outcome=RouteAttempt.Outcome.FAILED_OVER if result is not None else RouteAttempt.Outcome.SKIPPED,
        error_code=str(error.code)[:30] if error else "",
        error_raw=(error.raw_code or "")[:60] if error else "",
        error_message=(error.message or "")[:300] if error else "The connection was out of rotation.",
    )


def queue_moves(moves: list[Move]) -> None:
    """Send the moved messages on their new connections: a campaign's as a batch task per
    connection over their id span, single messages through the single-send task."""
    from campaigns.services.messaging import queue_send
    from campaigns.services.pipeline import enqueue_range

    spans: dict[tuple[int, int], list[int]] = defaultdict(list)
    singles: list[int] = []
    for move in moves:
        if move.campaign_id is None:
            singles.append(move.message_id)
        else:
            spans[(move.campaign_id, move.to_connection)].append(move.message_id)
    for (campaign_id, connection_id), ids in spans.items():
        enqueue_range(campaign_id, min(ids), max(ids), connection_id)
    if singles:
        queue_send(singles)


def queue_moves_now(moves: list[Move]) -> list[Move]:
    queue_moves(moves)
    return moves


def move_off(campaign_id: int, connection_id: int, lo: int, hi: int | None) -> int:
    """The connection is out of rotation: move the campaign's due pending messages on it in
    [lo, hi] to their next connection (nothing was sent). Those with nowhere else to go wait
    for the probe (their next attempt at the breaker's reopening). Returns how many moved."""
    qs = Message.objects.filter(campaign_id=campaign_id, connection_id=connection_id, status=S.PENDING, pk__gte=lo)
    if hi is not None:
        qs = qs.filter(pk__lte=hi)
    moved = 0
    while True:
        ids = list(qs.filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=timezone.now())).values_list("pk", flat=True)[:2000])
        if not ids:
            return moved
        done = {m.message_id for m in queue_moves_now(move_messages(connection_id, dict.fromkeys(ids), from_status=S.PENDING))}
        moved += len(done)
        stuck = [pk for pk in ids if pk not in done]
        if stuck:
            until = breaker.state_of(connection_id).open_until or timezone.now()
            Message.objects.filter(pk__in=stuck, status=S.PENDING).update(next_attempt_at=until)
        if not done:
            return moved
