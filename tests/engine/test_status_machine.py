"""Status only moves forward through one conditional UPDATE; counts follow each change."""

from __future__ import annotations

from django.db import transaction

from campaigns.models import Message
from campaigns.services.counts import account_counts
from campaigns.services.transitions import apply_status, claim, release_claims


def make_message(world, connection, status="pending") -> Message:
    from campaigns.models import StatusCount

    message = Message.objects.create(account=world.account, connection=connection, to="+923001234517", text="hi", status=status)
    StatusCount.objects.create(account=world.account, status=status, count=1)
    return message


def move(message, status, **fields) -> int:
    with transaction.atomic():
        return len(apply_status([message.pk], status, fields=fields))


def test_forward_path_and_stamps(engine_world):
    m = make_message(engine_world, engine_world.connection)
    assert claim([m.pk]) == [m.pk]
    assert move(m, "submitted") == 1
    assert move(m, "sent") == 1
    assert move(m, "delivered") == 1
    m.refresh_from_db()
    assert m.status == "delivered" and m.queued_at and m.submitted_at and m.sent_at and m.delivered_at


def test_late_and_duplicate_reports_change_nothing(engine_world):
    m = make_message(engine_world, engine_world.connection, status="submitted")
    assert move(m, "delivered") == 1
    assert move(m, "sent") == 0  # late
    assert move(m, "delivered") == 0  # duplicate
    assert move(m, "undelivered") == 0  # contradicting a final status
    m.refresh_from_db()
    assert m.status == "delivered"
    counts = account_counts(engine_world.account)
    assert counts["delivered"] == 1 and counts["submitted"] == 0 and counts["sent"] == 0


def test_claim_is_compare_and_set(engine_world):
    m = make_message(engine_world, engine_world.connection)
    assert claim([m.pk]) == [m.pk]
    assert claim([m.pk]) == []  # a second worker gets nothing


def test_unknown_is_never_claimed_again_but_can_be_reconciled(engine_world):
    m = make_message(engine_world, engine_world.connection)
    claim([m.pk])
    assert move(m, "unknown") == 1
    assert claim([m.pk]) == []
    assert move(m, "delivered") == 1


def test_pending_cannot_jump_to_delivered(engine_world):
    m = make_message(engine_world, engine_world.connection)
    assert move(m, "delivered") == 0
    assert move(m, "expired") == 1


def test_release_claim_only_from_queued(engine_world):
    m = make_message(engine_world, engine_world.connection, status="submitted")
    assert release_claims([m.pk]) == 0
    m2 = make_message(engine_world, engine_world.connection)
    claim([m2.pk])
    assert release_claims([m2.pk]) == 1
    m2.refresh_from_db()
    assert m2.status == "pending" and m2.attempts == 1
    counts = account_counts(engine_world.account)
    assert counts["pending"] == 1 and counts["queued"] == 0 and counts["submitted"] == 1
