"""Applying status reports (webhooks, status queries) to messages, in bulk."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from django.db import transaction

from campaigns.models import Message
from campaigns.services.outcomes import charge_accepted, charge_calls, emit_status_events, release_rows
from campaigns.services.transitions import apply_status, error_fields, update_each
from campaigns.status import ORDER
from providers.base import MessageStatus as S
from providers.base import StatusUpdate

APPLIED, DUPLICATE, UNKNOWN, HELD = "applied", "duplicate", "unknown_message", "held"
BIGINT_MAX = 2**63 - 1  # our ids are 64-bit; a provider may echo anything
ANSWERED = {"answered", "completed", "human", "machine"}
# Call outcomes a later report may still replace; any other outcome is final (a late
# RINGING after ANSWERED changes nothing).
PROVISIONAL_OUTCOMES = {"", "ringing"}


class Found(list):
    """find_messages' answer: our message id for each update (None: not ours).
    ``recorded``: the positions found by their provider id, which their message has already."""

    recorded: frozenset[int] = frozenset()


def find_messages(connection_id: int, account_id: int, updates: Sequence[StatusUpdate]) -> Found:
    """Our message id for each update: by (connection, provider id), else by our own id
    within the account. Two queries for any number of updates."""
    provider_ids = {u.provider_message_id for u in updates if u.provider_message_id}
    by_provider = (
        dict(
            Message.objects.filter(connection_id=connection_id, provider_message_id__in=provider_ids)
            .exclude(provider_message_id="")  # the index holds only rows with a provider id
            .values_list("provider_message_id", "id")
        )
        if provider_ids
        else {}
    )
    own = {u.message_id for u in updates if _is_our_id(u.message_id) and u.provider_message_id not in by_provider}
    known_own = set(Message.objects.filter(account_id=account_id, pk__in=own).values_list("id", flat=True)) if own else set()
    found, recorded = Found(), set()
    for index, u in enumerate(updates):
        if u.provider_message_id and u.provider_message_id in by_provider:
            found.append(by_provider[u.provider_message_id])
            recorded.add(index)
        elif u.message_id and u.message_id in known_own:
            found.append(u.message_id)
        else:
            found.append(None)
    found.recorded = frozenset(recorded)
    return found


def _is_our_id(value) -> bool:
    return isinstance(value, int) and 0 < value <= BIGINT_MAX


def apply_updates(connection_id: int, account_id: int, updates: Sequence[StatusUpdate], found: list[int | None] | None = None) -> list[str]:
    """Apply every update; returns each one's outcome: applied, duplicate or unknown_message.
    ``found``: find_messages' answer, when the caller looked before its write transaction."""
    ids = find_messages(connection_id, account_id, updates) if found is None else found
    # A message found by its provider id has it already: writing it again was a second row
    # version (and seven index entries) per report, one statement each.
    recorded = getattr(ids, "recorded", frozenset())
    outcomes = [UNKNOWN if pk is None else DUPLICATE for pk in ids]
    by_status: dict[str, list[int]] = defaultdict(list)
    for index, (update, pk) in enumerate(zip(updates, ids, strict=True)):
        if pk is not None:
            by_status[update.status].append(index)
    changed_all = []
    with transaction.atomic():
        for status in sorted(by_status, key=lambda s: ORDER.index(s) if s in ORDER else 99):
            indexes = by_status[status]
            per_message = {ids[i]: _fields(updates[i], provider_id_recorded=i in recorded) for i in indexes}
            changed = apply_status([ids[i] for i in indexes], status, per_message=per_message)
            moved = {c.id for c in changed}
            for i in indexes:
                if ids[i] in moved:
                    outcomes[i] = APPLIED
            _extras_for_unmoved(updates, ids, indexes, moved, outcomes)
            _money(status, changed, [(ids[i], updates[i]) for i in indexes if ids[i] in moved])
            changed_all += changed
    emit_status_events(changed_all)
    return outcomes


def _fields(update: StatusUpdate, *, provider_id_recorded: bool = False) -> dict:
    fields = error_fields(update.error) if update.status not in (S.SENT, S.DELIVERED, S.SUBMITTED) else {}
    if update.network:
        fields["network"] = update.network[:60]
    if update.call_outcome:
        fields["call_outcome"] = update.call_outcome[:20]
    if update.dtmf:
        fields["call_dtmf"] = update.dtmf[:40]
    if update.duration_seconds is not None:
        fields["call_duration"] = max(0, int(update.duration_seconds))
    if update.provider_message_id and not provider_id_recorded:
        fields["provider_message_id"] = update.provider_message_id[:80]
    return fields


def _extras_for_unmoved(updates, ids, indexes, moved, outcomes) -> None:
    """A report that does not move the status may still bring DTMF (a key press: applied),
    a duration or a call outcome; the outcome only moves forward, like the status."""
    waiting = [i for i in indexes if ids[i] not in moved and (updates[i].dtmf or updates[i].call_outcome or updates[i].duration_seconds)]
    if not waiting:
        return
    current = dict(Message.objects.filter(pk__in={ids[i] for i in waiting}).values_list("id", "call_outcome"))
    extra = {}
    for i in waiting:
        fields = {k: v for k, v in _fields(updates[i]).items() if k.startswith("call_")}
        if current.get(ids[i], "") not in PROVISIONAL_OUTCOMES:
            fields.pop("call_outcome", None)
        if fields:
            extra[ids[i]] = {**extra.get(ids[i], {}), **fields}
        if updates[i].dtmf:
            outcomes[i] = APPLIED
    update_each(extra)


def _money(status: str, changed, moved_updates) -> None:
    """SMS-like: charge what became accepted without a submit record (unknown/queued ->
    accepted). Voice: charge answered pulses, release unanswered calls."""
    if not changed:
        return
    voice = {c.id for c in changed if c.channel == "voice"}
    other = [c for c in changed if c.id not in voice and c.old_status in (S.QUEUED, S.UNKNOWN)]
    if other and status == S.FAILED:  # the provider says it never took it: nothing billed
        release_rows(other)
    elif other:
        charge_accepted([c.id for c in other])
    if not voice:
        return
    answered = []
    for pk, update in moved_updates:
        if pk not in voice:
            continue
        seconds = update.duration_seconds or 0
        if (update.call_outcome or "").lower() in ANSWERED or (status == S.DELIVERED and seconds > 0):
            answered.append((pk, max(seconds, 1)))
    charge_calls(answered)
    answered_ids = {pk for pk, _ in answered}
    final_unanswered = [c for c in changed if c.id in voice and c.id not in answered_ids and status != S.SENT and status != S.SUBMITTED]
    release_rows(final_unanswered)
