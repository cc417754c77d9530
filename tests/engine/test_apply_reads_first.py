"""Applying delivery reports: the messages are found before the write transaction opens
(on SQLite the single writer's lock, which the webhook intake waits for), and the write
transaction only moves them."""

from __future__ import annotations

from django.db import connection

from campaigns.models import Message
from campaigns.services import reports
from providers import intake
from tests.engine.test_report_isolation import sent, store_without_applying  # noqa: F401 (fixture)


def test_reports_are_matched_outside_the_write_transaction(monkeypatch, client, sent):  # noqa: F811
    conn, messages = sent
    bodies = [{"statuses": [{"id": m.provider_message_id, "status": "delivered"}]} for m in messages]
    store_without_applying(monkeypatch, client, conn, bodies)
    depth_outside = len(connection.atomic_blocks)
    real_find, real_apply, seen = reports.find_messages, reports.apply_updates, {}

    def find(*args, **kwargs):
        seen["find"] = len(connection.atomic_blocks)
        return real_find(*args, **kwargs)

    def apply(*args, **kwargs):
        seen["apply"] = len(connection.atomic_blocks)
        seen["found"] = kwargs.get("found")
        return real_apply(*args, **kwargs)

    monkeypatch.setattr(reports, "find_messages", find)
    monkeypatch.setattr(reports, "apply_updates", apply)
    assert intake.apply_received() == len(bodies)
    assert seen["find"] == depth_outside < seen["apply"]
    assert sorted(seen["found"]) == sorted(m.pk for m in messages)
    assert set(Message.objects.filter(pk__in=[m.pk for m in messages]).values_list("status", flat=True)) == {"delivered"}


def test_a_report_for_an_id_recorded_after_the_lookup_is_held_then_applied(monkeypatch, client, sent):  # noqa: F811
    """The lookup found nothing; the provider id was recorded before the write: the report is
    held, not lost, and the apply loop's retry of held reports applies it."""
    conn, messages = sent
    late = messages[0]
    provider_id = late.provider_message_id
    Message.objects.filter(pk=late.pk).update(provider_message_id="")
    store_without_applying(monkeypatch, client, conn, [{"statuses": [{"id": provider_id, "status": "delivered"}]}])
    real_find, lookups = reports.find_messages, []

    def find_then_record(*args, **kwargs):
        found = real_find(*args, **kwargs)
        lookups.append(found)
        Message.objects.filter(pk=late.pk).update(provider_message_id=provider_id)  # the send's result lands now
        return found

    monkeypatch.setattr(reports, "find_messages", find_then_record)
    intake.apply_received()
    assert lookups[0] == [None]  # missed by the lookup: held
    assert Message.objects.get(pk=late.pk).status == "delivered"
