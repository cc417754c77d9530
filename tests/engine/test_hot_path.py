"""The pipeline's hot path: range claims (one UPDATE ... RETURNING), the recording of a
claimed chunk without per-id ORM work, and tasks draining what later ranges hold."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from campaigns.models import Account, Campaign, Message
from campaigns.services import pipeline
from campaigns.services.campaigns import launch
from campaigns.services.counts import campaign_counts, recount_campaign
from campaigns.services.ledger import ledger_sum
from campaigns.services.materialize import materialize
from campaigns.services.outcomes import record_results
from campaigns.services.transitions import apply_status, claim_range
from providers.base import MessageStatus as S
from providers.base import SendResult
from tests.engine.conftest import add_contacts, make_campaign, numbers


def materialized(world, n: int, **kw) -> Campaign:
    campaign = make_campaign(world, add_contacts(world.account, numbers(n)), **kw)
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.RUNNING)
    campaign.refresh_from_db()
    materialize(campaign)
    return campaign


def ids_of(campaign) -> list[int]:
    return list(Message.objects.filter(campaign=campaign).order_by("pk").values_list("pk", flat=True))


def test_claim_range_takes_the_first_due_pending_up_to_the_limit(engine_world):
    campaign = materialized(engine_world, 8)
    ids = ids_of(campaign)
    Message.objects.filter(pk=ids[0]).update(next_attempt_at=timezone.now() + timedelta(minutes=5))  # a retry not due yet
    with transaction.atomic():
        apply_status([ids[1]], S.FAILED)

    first = claim_range(campaign.pk, ids[0], ids[-1], 3)
    assert first.ids == ids[2:5]
    row = first.rows[0]
    assert row.text.startswith("Hello") and row.to and row.price == Decimal("0.02") and row.payload == {}
    assert claim_range(campaign.pk, ids[0], ids[4], 10).ids == []  # compare-and-set: nothing twice
    assert claim_range(campaign.pk, ids[0], ids[-1], 10).ids == ids[5:]
    counts = campaign_counts(campaign)
    assert counts["queued"] == 6 and counts["pending"] == 1 and counts["failed"] == 1
    assert recount_campaign(campaign) == counts


def test_recording_a_claim_keeps_an_early_report_and_charges_each_once(engine_world):
    campaign = materialized(engine_world, 6)
    won = claim_range(campaign.pk, 0, 10**12, 6)
    early = won.ids[0]
    with transaction.atomic():  # a delivery report by our id arrived before the send returned
        apply_status([early], S.DELIVERED)
    results = [SendResult(message_id=pk, status=S.SUBMITTED, provider_message_id=f"p-{pk}") for pk in won.ids]

    summary = record_results(results, won.ids, campaign, claim=won)

    assert summary.submitted == 6
    messages = {m.pk: m for m in Message.objects.filter(campaign=campaign)}
    assert messages[early].status == S.DELIVERED and messages[early].provider_message_id == f"p-{early}"
    assert all(messages[pk].status == S.SUBMITTED and messages[pk].submitted_at for pk in won.ids[1:])
    assert all(m.cost == Decimal("0.02") for m in messages.values())
    counts = campaign_counts(campaign)
    assert counts["submitted"] == 5 and counts["delivered"] == 1 and counts["queued"] == 0
    assert recount_campaign(campaign) == counts
    account = Account.objects.get(pk=engine_world.account.pk)
    assert account.balance == Decimal("100") - Decimal("0.12")
    assert account.balance == ledger_sum(account)


def test_only_messages_still_under_the_claim_move_on_its_fast_path(engine_world):
    campaign = materialized(engine_world, 5)
    won = claim_range(campaign.pk, 0, 10**12, 5)
    taken = won.ids[:2]  # the claim went stale and another worker's claim stamped these since
    Message.objects.filter(pk__in=taken).update(queued_at=timezone.now() + timedelta(seconds=1))
    results = [SendResult(message_id=pk, status=S.SUBMITTED, provider_message_id=f"p-{pk}") for pk in won.ids]

    summary = record_results(results, won.ids, campaign, claim=won)

    assert summary.submitted == 5
    messages = Message.objects.filter(campaign=campaign)
    assert {m.status for m in messages} == {S.SUBMITTED} and all(m.provider_message_id == f"p-{m.pk}" for m in messages)
    counts = campaign_counts(campaign)
    assert counts["submitted"] == 5 and counts["queued"] == 0
    assert recount_campaign(campaign) == counts
    account = Account.objects.get(pk=engine_world.account.pk)
    assert account.balance == Decimal("100") - Decimal("0.10") == ledger_sum(account)


def test_a_task_drains_what_later_ranges_still_hold(engine_world, fake_provider):
    conn, sim = fake_provider
    campaign = materialized(engine_world, 120, connection=conn)
    ids = ids_of(campaign)

    assert pipeline.run_batch(campaign.pk, ids[0], ids[9]) == 120  # its own 10, then the rest
    assert pipeline.run_batch(campaign.pk, ids[10], ids[-1]) == 0  # that range's task finds nothing left
    assert sim.stats()["submissions"] == 120
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.COMPLETED


def test_a_launched_campaign_through_the_range_path_matches_its_ledger(engine_world, fake_provider):
    conn, sim = fake_provider
    engine_world.sender.connection = conn
    engine_world.sender.save()
    campaign = make_campaign(engine_world, add_contacts(engine_world.account, numbers(230)), connection=conn, text="Hi")
    launch(campaign)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.COMPLETED
    assert campaign_counts(campaign)["submitted"] == 230 == sim.stats()["submissions"]
    account = Account.objects.get(pk=engine_world.account.pk)
    assert account.reserved == 0 and account.balance == ledger_sum(account)
    assert Message.objects.filter(campaign=campaign, cost=0).count() == 0


def _record_claims(monkeypatch) -> list[int]:
    sizes: list[int] = []
    original = pipeline.Call.claim_range.__func__

    def recording(cls, backend, campaign, lo, hi, limit):
        call = original(cls, backend, campaign, lo, hi, limit)
        sizes.append(len(call.won))
        return call

    monkeypatch.setattr(pipeline.Call, "claim_range", classmethod(recording))
    return sizes


def test_a_paced_chunk_stays_full_when_another_worker_took_some_of_its_ids(engine_world, fake_provider, monkeypatch):
    conn, sim = fake_provider
    conn.mps = 100_000  # a cap: the ids are read (and paced) before the claim
    conn.save()
    campaign = materialized(engine_world, 120, connection=conn)
    read = pipeline._next_ids
    taken: list[int] = []

    def read_then_lose_three(campaign_, cursor, hi, size, connection_id):
        ids = read(campaign_, cursor, hi, size, connection_id)
        if ids and not taken:  # another worker claims three of them before this one does
            taken.extend(claim_range(campaign.pk, ids[0], ids[2], 3, connection_id=connection_id).ids)
        return ids

    monkeypatch.setattr(pipeline, "_next_ids", read_then_lose_three)
    sizes = _record_claims(monkeypatch)

    assert pipeline.run_batch(campaign.pk, 0, None) == 117  # all but the three taken
    assert sizes[:2] == [50, 50]  # the first chunk went on past the ids it had read
    assert len(taken) == 3 and sim.stats()["submissions"] == 117
    assert Message.objects.filter(pk__in=taken, status=S.QUEUED).count() == 3  # never sent by this task


def test_an_uncapped_chunk_is_claimed_without_reading_its_ids_first(engine_world, fake_provider, monkeypatch):
    conn, sim = fake_provider
    campaign = materialized(engine_world, 120, connection=conn)
    ids = ids_of(campaign)
    reads: list[tuple] = []
    read = pipeline._next_ids
    monkeypatch.setattr(pipeline, "_next_ids", lambda *a: reads.append(a) or read(*a))
    sizes = _record_claims(monkeypatch)

    assert pipeline.run_batch(campaign.pk, ids[0], ids[59]) == 120  # its own 60, then the rest
    # Claims up to its range's end (an empty one says it is done), the drained rest, the wrap.
    assert sizes == [50, 10, 0, 50, 10, 0, 0]
    assert reads == []
    assert sim.stats()["submissions"] == 120
