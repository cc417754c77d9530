"""Campaign counts come from a few delta rows, not a COUNT over messages, and stay right
after squashing."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns.models import Message, StatusCount
from campaigns.services.campaigns import launch
from campaigns.services.counts import account_counts, campaign_counts, recount_campaign, squash_counts
from tests.engine.conftest import add_contacts, make_campaign, numbers


def run(engine_world, fake_provider, n: int):
    conn, _sim = fake_provider
    engine_world.sender.connection = conn
    engine_world.sender.save()
    campaign = make_campaign(engine_world, add_contacts(engine_world.account, numbers(n)), connection=conn, text="Hi")
    launch(campaign)
    return campaign


def test_counts_are_maintained_with_every_change(engine_world, fake_provider):
    campaign = run(engine_world, fake_provider, 120)
    counts = campaign_counts(campaign)
    assert counts["submitted"] == 120 and counts["total"] == 120
    assert counts["pending"] == counts["queued"] == 0
    assert set(counts) >= {"pending", "queued", "submitted", "sent", "delivered", "failed", "unknown", "total"}


def test_reading_counts_is_one_query(engine_world, fake_provider):
    campaign = run(engine_world, fake_provider, 120)
    with CaptureQueriesContext(connection) as queries:
        campaign_counts(campaign)
    assert len(queries) == 1
    assert "campaigns_message" not in queries[0]["sql"]


def test_squash_folds_rows_and_keeps_the_sums(engine_world, fake_provider):
    campaign = run(engine_world, fake_provider, 120)
    before = campaign_counts(campaign)
    rows_before = StatusCount.objects.filter(campaign=campaign).count()
    removed = squash_counts()
    assert removed > 0
    assert StatusCount.objects.filter(campaign=campaign).count() < rows_before
    assert campaign_counts(campaign) == before
    assert squash_counts() == 0  # nothing left to fold


def test_counts_match_the_messages(engine_world, fake_provider):
    campaign = run(engine_world, fake_provider, 120)
    by_status = {}
    for status in Message.objects.filter(campaign=campaign).values_list("status", flat=True):
        by_status[status] = by_status.get(status, 0) + 1
    counts = campaign_counts(campaign)
    assert all(counts[s] == n for s, n in by_status.items())
    assert recount_campaign(campaign) == counts
    assert account_counts(engine_world.account)["submitted"] == 120


def test_squash_keeps_one_row_per_hour_and_the_not_sent_mark(engine_world):
    from datetime import timedelta

    from django.utils import timezone

    from campaigns.models import StatusCount

    account = engine_world.account
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    for hour, not_sent in [(now, False), (now, False), (now - timedelta(hours=1), False), (now, True), (now, True)]:
        StatusCount.objects.create(account=account, status="expired", count=2, hour=hour, not_sent=not_sent)
    assert squash_counts() == 2
    rows = sorted(StatusCount.objects.filter(account=account).values_list("hour", "not_sent", "count"))
    assert rows == [(now - timedelta(hours=1), False, 2), (now, False, 4), (now, True, 4)]
    assert account_counts(account)["expired"] == 10
