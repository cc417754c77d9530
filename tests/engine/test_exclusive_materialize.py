"""A campaign never gets two messages for one recipient, whoever materializes it and however
many processes do at once: one claim per campaign (the start task or a recovery), and a
partial unique constraint on Message (campaign, contact) under every insert, which skips
a recipient who already has a message and counts only what was really inserted."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import threading
import time

import pytest
from django.db import connection
from django.db.models import Count, Sum
from django.utils import timezone

from campaigns.models import Campaign, EngineClock, Message, StatusCount
from campaigns.services import materialize_claim
from campaigns.services.counts import campaign_counts
from campaigns.services.materialize import MessageBuilder, _materialize, _save, insert_messages, materialize
from campaigns.services.pipeline import maybe_complete
from campaigns.services.sandbox import BASE_DIR, Sandbox
from tests.engine.conftest import add_contacts, make_campaign, numbers


def rows_for(campaign: Campaign, contacts) -> list[dict]:
    builder = MessageBuilder(campaign)
    return [builder.build(c.pk, c.phone, c.first_name, c.last_name, c.attributes) for c in contacts]


def assert_once_each(campaign: Campaign, recipients: int) -> None:
    messages = Message.objects.filter(campaign=campaign)
    per_contact = messages.values("contact_id").annotate(n=Count("id")).filter(n__gt=1)
    assert not per_contact.exists(), f"recipients with two messages: {list(per_contact[:5])}"
    assert messages.count() == recipients, f"{messages.count()} messages for {recipients} recipients"
    pending = StatusCount.objects.filter(campaign=campaign, status="pending").aggregate(n=Sum("count"))["n"]
    assert pending == recipients, f"pending counted {pending} for {recipients} messages"


@pytest.fixture
def running(engine_world):
    contact_list = add_contacts(engine_world.account, numbers(40))
    campaign = make_campaign(engine_world, contact_list)
    Campaign.objects.filter(pk=campaign.pk).update(status="running", started_at=timezone.now())
    campaign.refresh_from_db()
    return campaign, list(contact_list.contacts.order_by("pk"))


def test_a_recipient_who_has_a_message_is_skipped_and_not_counted(running):
    campaign, contacts = running
    first = _save(campaign, rows_for(campaign, contacts[:15]))
    assert len(first) == 15
    again = _save(campaign, rows_for(campaign, contacts))  # 15 already there, 25 new
    assert len(again) == 25
    assert {m["contact_id"] for m in again} == {c.pk for c in contacts[15:]}
    stored = dict(Message.objects.filter(campaign=campaign).values_list("contact_id", "id"))
    assert all(stored[m["contact_id"]] == m["id"] for m in first + again), "an inserted row was given another row's id"
    assert _save(campaign, rows_for(campaign, contacts)) == []
    assert_once_each(campaign, 40)
    assert campaign_counts(campaign)["pending"] == 40


def test_test_sends_and_messages_without_a_contact_are_not_limited(running):
    campaign, contacts = running
    test_rows = rows_for(campaign, contacts[:1]) + rows_for(campaign, contacts[:1])
    for row in test_rows:
        row.update(campaign_id=None, test_of_id=campaign.pk)
    assert len(insert_messages(test_rows)) == 2
    anonymous = rows_for(campaign, contacts[:2])
    for row in anonymous:
        row["contact_id"] = None
    assert len(insert_messages(anonymous)) == 2
    assert Message.objects.filter(test_of=campaign, contact=contacts[0]).count() == 2


def test_one_materialization_at_a_time_and_a_dead_ones_claim_is_taken_over(running):
    campaign, _ = running
    assert materialize_claim.take(campaign.pk)  # another process is materializing
    assert materialize(campaign) == 0
    assert not Message.objects.filter(campaign=campaign).exists()
    assert maybe_complete(campaign.pk) is False, "completed while its messages were being created"
    stale = time.time() - materialize_claim.claim_seconds() - 1  # that process died
    EngineClock.objects.filter(key=materialize_claim.claim_key(campaign.pk)).update(value=stale)
    assert materialize(campaign) == 40
    assert not materialize_claim.held(campaign.pk), "the claim outlived its materialization"
    assert_once_each(campaign, 40)


@pytest.mark.django_db(transaction=True)
def test_concurrent_materializations_create_one_message_per_recipient(engine_world):
    """Truly parallel on PostgreSQL; SQLite's in-memory test database refuses parallel
    writers ("table is locked"), so there they take turns (the processes test below runs
    them in parallel on an SQLite file)."""
    contact_list = add_contacts(engine_world.account, numbers(300))
    campaign = make_campaign(engine_world, contact_list)
    Campaign.objects.filter(pk=campaign.pk).update(status="running", started_at=timezone.now())
    barrier = threading.Barrier(4)
    turns = threading.Lock() if connection.vendor == "sqlite" else contextlib.nullcontext()
    created: list[int] = []
    errors: list[BaseException] = []

    def run(claimed: bool) -> None:
        try:
            barrier.wait()
            with turns:
                fresh = Campaign.objects.get(pk=campaign.pk)
                # Two through the claim (as the start task and a recovery do), two past it (a
                # claim taken over from a process too slow to renew): the constraint still holds.
                created.append(materialize(fresh) if claimed else _materialize(fresh, enqueue=False, on_page=None))
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i % 2 == 0,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    assert sum(created) == 300, f"the materializations reported {created} created"
    assert_once_each(campaign, 300)
    campaign.refresh_from_db()
    assert campaign.recipients == 300


MATERIALIZE = """
import sys, time
from campaigns.models import Campaign
from campaigns.services.materialize import _materialize
from campaigns.services.pipeline import start_campaign
pk, claimed, at = int(sys.argv[1]), sys.argv[2] == "1", float(sys.argv[3])
time.sleep(max(0.0, at - time.time()))
if claimed:
    print(start_campaign(pk, recover=True))
else:
    print(_materialize(Campaign.objects.get(pk=pk), enqueue=False, on_page=None))
"""

COUNTS = """
import json, sys
from django.db.models import Count, Sum
from campaigns.models import Campaign, Message, StatusCount
pk = int(sys.argv[1])
messages = Message.objects.filter(campaign_id=pk)
print(json.dumps({
    "messages": messages.count(),
    "contacts": messages.values("contact_id").distinct().count(),
    "pending_counted": StatusCount.objects.filter(campaign_id=pk, status="pending").aggregate(n=Sum("count"))["n"],
    "recipients": Campaign.objects.get(pk=pk).recipients,
}))
"""


@pytest.mark.slow
def test_parallel_processes_on_an_sqlite_file_create_one_message_per_recipient(tmp_path):
    n = 6000
    with Sandbox(tmp_path) as box:
        box.manage("migrate", "--noinput", "-v", "0")
        campaign = str(
            box.manage_json("benchmark", "--phase", "seed", "--recipients", str(n), "--providers", "vt", "--sim-url", "http://127.0.0.1:9")[
                "vt"
            ]
        )
        box.manage("shell", "-c", f"from campaigns.models import Campaign; Campaign.objects.filter(pk={campaign}).update(status='running')")
        at = time.time() + 4  # every process past its start-up before the first insert

        def command(claimed: str) -> list[str]:
            code = f"import sys; sys.argv = ['x', '{campaign}', '{claimed}', '{at}']\n{MATERIALIZE}"
            return [sys.executable, "manage.py", "shell", "-c", code]

        procs = [
            subprocess.Popen(command(claimed), cwd=BASE_DIR, env=box.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for claimed in ("1", "0", "1", "0")
        ]
        outputs = [p.communicate(timeout=300) for p in procs]
        for proc, (_, err) in zip(procs, outputs, strict=True):
            assert proc.returncode == 0, err[-3000:]
        created = [int(out.strip().splitlines()[-1]) for out, _ in outputs]
        counts = box.manage_json("shell", "-c", f"import sys; sys.argv = ['x', '{campaign}']\n{COUNTS}")
        assert sum(created) == n, f"the processes reported {created} created for {n} recipients"
        assert counts == {"messages": n, "contacts": n, "pending_counted": n, "recipients": n}, counts


def test_a_restart_finds_who_has_no_message_through_the_unique_index(running):
    """The restart's "who still needs a message" is one index probe per contact (a 30,000-
    recipient restart spent 166 s per page of 2,000 when SQLite read the campaign's rows instead)."""
    from campaigns.models import Contact
    from campaigns.services.materialize import without_message

    campaign, contacts = running
    _save(campaign, rows_for(campaign, contacts[:30]))
    left = without_message(Contact.objects.filter(account=campaign.account), campaign)
    assert set(left.values_list("pk", flat=True)) == {c.pk for c in contacts[30:]}
    if connection.vendor == "sqlite":
        sql, params = left.values("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            plan = " ".join(str(row) for row in cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall())
        assert "message_campaign_contact" in plan, plan


def test_the_tick_finishes_a_dead_materialization_while_batches_still_send(running, monkeypatch):
    """The start task died after 15 of 40 recipients: batch tasks sending those 15 keep the
    campaign's heartbeat fresh, and the tick must not wait for them to run dry."""
    from campaigns.services import clock
    from campaigns.services.maintenance import tick

    queued: list = []
    monkeypatch.setattr("campaigns.services.pipeline._enqueue_range", lambda *args: queued.append(args))  # not sent here
    campaign, contacts = running
    assert materialize_claim.take(campaign.pk)  # the dead start task's claim ...
    _save(campaign, rows_for(campaign, contacts[:15]))
    stale = time.time() - materialize_claim.claim_seconds() - 1
    EngineClock.objects.filter(key=materialize_claim.claim_key(campaign.pk)).update(value=stale)  # ... not renewed since it died
    clock.beat(clock.campaign_beat_key(campaign.pk))  # a batch task sent a chunk just now
    tick()
    assert_once_each(campaign, 40)
    campaign.refresh_from_db()
    assert campaign.recipients == 40
    assert queued, "the new messages' batch tasks were not queued"


def test_the_tick_leaves_a_live_materialization_alone(running, monkeypatch):
    from campaigns.services.maintenance import tick

    monkeypatch.setattr("campaigns.services.pipeline._enqueue_range", lambda *args: None)
    campaign, contacts = running
    assert materialize_claim.take(campaign.pk)  # a start task materializing right now
    _save(campaign, rows_for(campaign, contacts[:15]))
    tick()
    assert Message.objects.filter(campaign=campaign).count() == 15
