"""Materialization prepares a page's insert values in its build thread, outside the page's
write transaction, unless something changes the rows after building (send rules that plan
each message, short links): then they are prepared again, at insert time."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, time

import pytest

from campaigns.models import Message
from campaigns.services import materialize
from tests.engine.conftest import add_contacts, make_campaign, numbers


@pytest.fixture
def prepared_in(monkeypatch):
    """The names of the threads that prepared insert values."""
    threads: list[str] = []
    original = materialize._prepared_rows

    def watch(batch):
        threads.append(threading.current_thread().name)
        return original(batch)

    monkeypatch.setattr(materialize, "_prepared_rows", watch)
    return threads


def test_a_plain_page_is_prepared_in_the_build_thread(engine_world, prepared_in):
    campaign = make_campaign(engine_world, add_contacts(engine_world.account, numbers(25), first_name="Ann"))
    assert materialize.materialize(campaign) == 25
    assert prepared_in and all(name.startswith("materialize-build") for name in prepared_in)
    texts = set(Message.objects.filter(campaign=campaign).values_list("text", flat=True))
    assert texts == {"Hello Ann, spring sale!"}


def test_rows_planned_by_send_rules_are_prepared_again_with_their_plan(engine_world, prepared_in, monkeypatch):
    from campaigns.services.send_rules import SendRules

    planned_at = datetime(2030, 1, 1, 10, 0, tzinfo=UTC)

    def plan_every_row(self, rows):  # what active rules do: change the rows, return a new list
        for row in rows:
            row["not_before"] = row["next_attempt_at"] = planned_at
        return list(rows)

    monkeypatch.setattr(SendRules, "admit", plan_every_row)
    campaign = make_campaign(engine_world, add_contacts(engine_world.account, numbers(5)), local_send_time=time(10, 0))
    assert materialize.materialize(campaign) == 5
    assert threading.main_thread().name in prepared_in  # at insert time, after the plan
    assert set(Message.objects.filter(campaign=campaign).values_list("not_before", "next_attempt_at")) == {(planned_at, planned_at)}
