"""Faster, smaller recovery after a crash: a task drains the ranges a dead task left
behind, a single-message provider's chunk is a few rounds of its concurrent calls, and a
(re)started cluster queues one recovery that settles the dead workers' claims."""

from __future__ import annotations

import time
from datetime import timedelta

from django.utils import timezone

from campaigns.models import Campaign, Message
from campaigns.services import maintenance, pipeline
from campaigns.services.clock import beat
from campaigns.services.transitions import claim_range
from providers.base import MessageStatus as S
from providers.registry import backend_class
from tests.engine.test_hot_path import ids_of, materialized


def test_a_task_also_drains_earlier_ranges_a_dead_task_left(engine_world, fake_provider):
    conn, sim = fake_provider
    campaign = materialized(engine_world, 120, connection=conn)
    ids = ids_of(campaign)
    # The task of the last range runs; the first range's task died with its cluster.
    assert pipeline.run_batch(campaign.pk, ids[100], ids[-1]) == 120
    assert sim.stats()["submissions"] == 120 and sim.stats()["duplicates"] == {}
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.COMPLETED


def test_single_message_chunk_is_what_the_connection_carries_at_once():
    vt = backend_class("vt")
    assert pipeline.chunk_size(vt, 0) == vt.concurrency * pipeline.SINGLE_CHUNK_ROUNDS == 32  # was 96
    assert pipeline.chunk_size(vt, 5) == 5  # under a cap of 5/s: 5
    wavy = backend_class("wavy")
    assert pipeline.chunk_size(wavy, 0) == wavy.bulk_size


def test_worker_start_queues_one_recovery(monkeypatch, db, settings):
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": False}  # a real cluster's worker start
    queued = []
    monkeypatch.setattr("django_q.tasks.async_task", lambda func, **kw: queued.append(func))
    maintenance.on_worker_spawn(proc_name="Process-1")
    maintenance.on_worker_spawn(proc_name="Process-2")  # the same cluster's second worker
    assert queued == ["campaigns.tasks.recover"]
    beat(maintenance.RECOVERY_BEAT)
    from campaigns.models import EngineClock

    EngineClock.objects.filter(key=maintenance.RECOVERY_BEAT).update(value=time.time() - maintenance.RECOVERY_EVERY - 1)
    maintenance.on_worker_spawn(proc_name="Process-3")  # a later restart
    assert len(queued) == 2
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": True}
    EngineClock.objects.filter(key=maintenance.RECOVERY_BEAT).update(value=0)
    maintenance.on_worker_spawn(proc_name="MainProcess")  # inline tasks (tests) spawn no worker
    assert len(queued) == 2


def test_recovery_marks_the_dead_claims_unknown_once_they_are_stale(engine_world, fake_provider, settings, monkeypatch):
    conn, _ = fake_provider
    settings.ENGINE_STALE_CLAIM_SECONDS = 2
    campaign = materialized(engine_world, 10, connection=conn)
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.RUNNING)
    claim_range(campaign.pk, 0, 10**12, 4)  # claimed by a worker that was then killed
    Message.objects.filter(campaign=campaign, status=S.QUEUED).update(queued_at=timezone.now() - timedelta(seconds=1))
    slept = []
    monkeypatch.setattr(maintenance.time, "sleep", lambda s: slept.append(s))
    monkeypatch.setattr(maintenance, "tick", lambda: maintenance.mark_stale_claims(timezone.now() + timedelta(seconds=sum(slept))))
    assert maintenance.recover_after_start() == 4
    assert 1.0 <= slept[0] <= 2.5  # waited until the claims were past the stale limit, no longer
    assert Message.objects.filter(campaign=campaign, status=S.UNKNOWN).count() == 4
