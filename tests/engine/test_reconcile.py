"""After a crash: stale claims become `unknown`, never resent, and are reconciled through
the provider's status query."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from campaigns.models import Message
from campaigns.services.counts import account_counts
from campaigns.services.maintenance import tick
from campaigns.services.messaging import send_single
from campaigns.services.reconcile import mark_stale_claims, reconcile_unknown


def test_stale_claim_becomes_unknown_then_reconciled(fake_provider, world):
    conn, sim = fake_provider
    message = send_single(account=world.account, connection=conn, channel="sms", to="+923001234517", text="hi")
    # Pretend the worker died between the provider call and recording it.
    Message.objects.filter(pk=message.pk).update(status="queued", queued_at=timezone.now() - timedelta(hours=1), provider_message_id="")
    assert mark_stale_claims() == 1
    message.refresh_from_db()
    assert message.status == "unknown"
    requests = sim.requests
    assert reconcile_unknown() == 1
    message.refresh_from_db()
    assert message.status == "delivered" and message.provider_message_id
    assert sim.requests == requests + 1  # one status query, no new submission
    assert sim.stats()["submissions"] == 1


def test_tick_does_not_resend_unknown(fake_provider, world):
    conn, sim = fake_provider
    message = send_single(account=world.account, connection=conn, channel="sms", to="+923001234527", text="hi")
    Message.objects.filter(pk=message.pk).update(status="unknown")
    tick()
    assert sim.stats()["submissions"] == 1
    assert account_counts(world.account)["total"] == 1


def test_start_task_that_died_midway_is_finished_by_the_tick(fake_provider, engine_world, settings):
    """The start task created some messages and died: the tick creates the rest (nobody
    twice) and the campaign goes out."""
    from campaigns.models import Campaign
    from campaigns.services.materialize import MessageBuilder, _save
    from tests.engine.conftest import add_contacts, make_campaign, numbers

    conn, sim = fake_provider
    engine_world.sender.connection = conn
    engine_world.sender.save()
    contact_list = add_contacts(engine_world.account, numbers(30))
    campaign = make_campaign(engine_world, contact_list, connection=conn, text="Hi")
    Campaign.objects.filter(pk=campaign.pk).update(status="running", started_at=timezone.now())
    builder = MessageBuilder(campaign)
    first = contact_list.contacts.order_by("pk")[:10]
    _save(campaign, [builder.build(c.pk, c.phone, c.first_name, c.last_name, c.attributes) for c in first])
    settings.ENGINE_STALL_SECONDS = 0
    tick()
    campaign.refresh_from_db()
    assert Message.objects.filter(campaign=campaign).count() == 30 and campaign.recipients == 30
    assert sim.stats()["submissions"] == 30 and not sim.stats()["duplicates"]
    assert campaign.status == "completed"


def test_providers_without_reports_are_polled(fake_provider, world, monkeypatch):
    from campaigns.services.reconcile import poll_unreported
    from tests.engine.fakeprovider.backend import FakeBackend

    conn, sim = fake_provider
    message = send_single(account=world.account, connection=conn, channel="sms", to="+923001234557", text="hi")
    Message.objects.filter(pk=message.pk).update(updated_at=timezone.now() - timedelta(minutes=5))
    assert poll_unreported() == 0  # the provider pushes reports: nothing to poll
    monkeypatch.setattr(FakeBackend, "delivery_reports", False)
    assert poll_unreported() == 1
    message.refresh_from_db()
    assert message.status == "delivered"
    assert sim.stats()["submissions"] == 1
