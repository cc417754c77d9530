"""One bad report never takes the others down: a report whose applying raises is isolated
(its event marked error) while the rest of its batch is applied; a transient database
error puts the batch back and it is applied on the next try."""

from __future__ import annotations

import pytest
from django.db import OperationalError

from campaigns.models import Message
from campaigns.services import reports
from campaigns.services.messaging import send_single
from providers import intake
from providers.models import WebhookEvent
from tests.engine.conftest import post_hook


@pytest.fixture
def sent(fake_provider, world):
    conn, _ = fake_provider
    messages = [send_single(account=world.account, connection=conn, channel="sms", to=f"+9230012345{i}7", text="hi") for i in range(1, 6)]
    return conn, list(Message.objects.filter(pk__in=[m.pk for m in messages]).order_by("pk"))


def store_without_applying(monkeypatch, client, conn, bodies: list[dict]) -> None:
    """Several stored events, applied later together as one batch."""
    monkeypatch.setattr(intake, "schedule_apply", lambda: None)
    for body in bodies:
        assert post_hook(client, conn, body).status_code == 200
    monkeypatch.undo()
    assert WebhookEvent.objects.filter(outcome="received").count() == len(bodies)


def test_a_report_that_raises_is_isolated_and_the_rest_applied(monkeypatch, client, sent):
    conn, messages = sent
    bodies = [{"statuses": [{"id": m.provider_message_id, "status": "delivered"}]} for m in messages]
    bodies.insert(2, {"statuses": [{"id": "boom", "status": "delivered"}]})
    store_without_applying(monkeypatch, client, conn, bodies)
    real = reports.apply_updates

    def explosive(connection_id, account_id, updates, **kwargs):
        if any(u.provider_message_id == "boom" for u in updates):
            raise ValueError("a parser let through something the database cannot take")
        return real(connection_id, account_id, updates, **kwargs)

    monkeypatch.setattr(reports, "apply_updates", explosive)
    assert intake.apply_received() == len(bodies)
    assert {m.status for m in Message.objects.filter(pk__in=[m.pk for m in messages])} == {"delivered"}
    outcomes = {e.body_text: e.outcome for e in WebhookEvent.objects.all()}
    assert [o for b, o in outcomes.items() if "boom" in b] == ["error"]
    assert sorted(o for b, o in outcomes.items() if "boom" not in b) == ["applied"] * len(messages)


def test_an_id_beyond_64_bits_does_not_stop_its_batch(monkeypatch, client, sent):
    conn, messages = sent
    bodies = [{"statuses": [{"ref": m.pk, "status": "delivered"}]} for m in messages]
    bodies.append({"statuses": [{"ref": 2**63, "status": "delivered"}, {"ref": 2**70, "status": "sent"}]})
    store_without_applying(monkeypatch, client, conn, bodies)
    intake.apply_received()
    assert {m.status for m in Message.objects.filter(pk__in=[m.pk for m in messages])} == {"delivered"}
    assert WebhookEvent.objects.filter(outcome="applied").count() == len(messages)
    assert not WebhookEvent.objects.filter(outcome__in=["error", "received"]).exists()


def test_a_locked_database_is_retried_not_recorded_as_error(monkeypatch, client, sent):
    conn, messages = sent
    bodies = [{"statuses": [{"id": m.provider_message_id, "status": "delivered"}]} for m in messages]
    store_without_applying(monkeypatch, client, conn, bodies)
    real, failures = reports.apply_updates, []

    def locked_twice(connection_id, account_id, updates, **kwargs):
        if len(failures) < 2:
            failures.append(1)
            raise OperationalError("database is locked")
        return real(connection_id, account_id, updates, **kwargs)

    monkeypatch.setattr(reports, "apply_updates", locked_twice)
    intake.apply_received()
    assert len(failures) == 2
    assert {m.status for m in Message.objects.filter(pk__in=[m.pk for m in messages])} == {"delivered"}
    assert set(WebhookEvent.objects.values_list("outcome", flat=True)) == {"applied"}


def test_apply_loops_are_bounded_so_batch_tasks_get_workers(settings, monkeypatch, client, sent):
    from campaigns.services import clock

    conn, messages = sent
    store_without_applying(monkeypatch, client, conn, [{"statuses": [{"id": messages[0].provider_message_id, "status": "sent"}]}])
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": False}
    taken = [clock.take(f"lease:apply:{slot}", intake.APPLY_LEASE_SECONDS) for slot in range(intake.APPLY_LOOPS)]
    assert all(taken)  # every loop slot is busy elsewhere
    assert intake.apply_received(max_seconds=5) == 0  # this task leaves at once
    assert WebhookEvent.objects.get().outcome == "received"
    clock.release("lease:apply:0")
    assert intake.apply_received(max_seconds=5, linger=0) == 1
    assert WebhookEvent.objects.get().outcome == "applied"
