"""With django-q2's queue in this database (the ORM broker), a page's batch task is queued
inside the transaction that inserts the page: one write turn on SQLite, and the task is
visible exactly when its messages are. On Redis it is queued after the commit, or it could
run before its messages exist."""

from __future__ import annotations

import pytest
from django.db import connection

from campaigns.models import Campaign, Message
from campaigns.services import pipeline
from campaigns.services.materialize import CREATE_BATCH
from tests.engine.conftest import add_contacts, make_campaign, numbers


@pytest.fixture
def scheduled(engine_world):
    contact_list = add_contacts(engine_world.account, numbers(30))
    campaign = make_campaign(engine_world, contact_list)
    Campaign.objects.filter(pk=campaign.pk).update(status="scheduled")
    return campaign


def start_and_watch(monkeypatch, campaign: Campaign, *, queue_in_database: bool) -> list[tuple[int, int, int]]:
    """Start the campaign; returns each queued batch's (transaction depth, lo, hi)."""
    queued: list[tuple[int, int, int]] = []

    def enqueue(campaign_id, lo, hi, connection_id=None):
        queued.append((len(connection.atomic_blocks), lo, hi))

    monkeypatch.setattr(pipeline, "_queue_in_database", lambda: queue_in_database)
    monkeypatch.setattr(pipeline, "_enqueue_range", enqueue)
    assert pipeline.start_campaign(campaign.pk) == 30
    return queued


def test_with_the_queue_in_the_database_the_task_is_queued_in_the_pages_transaction(monkeypatch, scheduled):
    outside = len(connection.atomic_blocks)
    queued = start_and_watch(monkeypatch, scheduled, queue_in_database=True)
    ids = sorted(Message.objects.filter(campaign=scheduled).values_list("pk", flat=True))
    assert CREATE_BATCH >= 30
    assert [(lo, hi) for _, lo, hi in queued] == [(ids[0], ids[-1])]  # 30 recipients: one page, one span
    assert all(depth > outside for depth, _, _ in queued)


def test_with_another_broker_the_task_is_queued_after_the_commit(monkeypatch, scheduled):
    outside = len(connection.atomic_blocks)
    queued = start_and_watch(monkeypatch, scheduled, queue_in_database=False)
    assert len(queued) == 1 and queued[0][0] == outside


def test_the_database_queue_is_used_only_by_a_cluster_of_the_orm_broker():
    from django_q.conf import Conf

    original = (Conf.ORM, Conf.SYNC)
    try:
        Conf.ORM, Conf.SYNC = "default", False
        assert pipeline._queue_in_database()
        Conf.SYNC = True  # tasks run inline: nothing to queue
        assert not pipeline._queue_in_database()
        Conf.ORM, Conf.SYNC = None, False  # Redis
        assert not pipeline._queue_in_database()
    finally:
        Conf.ORM, Conf.SYNC = original


def test_on_sqlite_the_heartbeats_are_written_in_the_pages_transaction(monkeypatch, scheduled):
    from campaigns.services import materialize

    depths: list[int] = []
    beat = materialize._beat
    monkeypatch.setattr(materialize, "_beat", lambda campaign: (depths.append(len(connection.atomic_blocks)), beat(campaign)))
    outside = len(connection.atomic_blocks)
    start_and_watch(monkeypatch, scheduled, queue_in_database=True)
    assert depths  # a page was created, and beat for
    if connection.vendor == "sqlite":  # one write turn per page, not three
        assert all(depth > outside for depth in depths)
    else:  # PostgreSQL: after the commit, so a page never holds the shared heartbeat rows
        assert all(depth == outside for depth in depths)
