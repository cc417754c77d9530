"""Migration 0008's data steps: old "failed because cancelled" messages become cancelled
(count rows moved with them) and the lists the old resend made become specifications."""

from __future__ import annotations

import importlib
from collections import Counter

from django.apps import apps

from campaigns.models import Campaign, ContactList, Message
from campaigns.services.counts import campaign_counts, recount_campaign
from tests.engine.conftest import add_contacts, make_campaign

migration = importlib.import_module("campaigns.migrations.0008_accounting")


def test_failed_because_cancelled_becomes_cancelled_with_its_counts(engine_world):
    campaign = make_campaign(engine_world, status="cancelled")
    for i, (status, code) in enumerate([("failed", "cancelled")] * 3 + [("failed", "invalid_number"), ("delivered", "")]):
        Message.objects.create(
            account=engine_world.account,
            campaign=campaign,
            connection=engine_world.connection,
            to=f"+9230012345{i:02d}",
            status=status,
            error_code=code,
        )
    recount_campaign(campaign)

    migration.cancelled_not_failed(apps, None)

    real = Counter(Message.objects.filter(campaign=campaign).values_list("status", flat=True))
    assert real == {"cancelled": 3, "failed": 1, "delivered": 1}
    counts = campaign_counts(campaign)
    assert {s: counts[s] for s in real} == dict(real)


def test_auto_made_resend_lists_become_specifications(engine_world):
    source = make_campaign(engine_world, status="completed")
    auto = add_contacts(engine_world.account, ["+923001234512"], f"Failed of Spring sale #{source.pk} (2026-11-30 10:52:01)")
    kept = add_contacts(engine_world.account, ["+923001234513"], "Failed of the quarter (my own list)")
    draft = make_campaign(engine_world, auto, name="Resend failed: Spring sale")

    migration.resend_lists_to_specs(apps, None)

    assert not ContactList.objects.filter(pk=auto.pk).exists() and ContactList.objects.filter(pk=kept.pk).exists()
    assert Campaign.objects.get(pk=draft.pk).audience == {"resend_of": source.pk, "statuses": migration.RESEND_STATUSES}


def test_count_rows_rebuilt_per_hour_with_the_unsent_marked(engine_world):
    from datetime import timedelta

    from django.utils import timezone

    from campaigns.models import StatusCount
    from campaigns.status import UNSENT_EXPIRY_CODE

    campaign = make_campaign(engine_world, status="completed")
    yesterday = timezone.now() - timedelta(days=1)
    for i, (status, code) in enumerate([("delivered", ""), ("delivered", ""), ("expired", UNSENT_EXPIRY_CODE), ("expired", "expired")]):
        m = Message.objects.create(
            account=engine_world.account,
            campaign=campaign,
            connection=engine_world.connection,
            to=f"+92300123450{i}",
            status=status,
            error_code=code,
        )
        if i == 0:
            Message.objects.filter(pk=m.pk).update(updated_at=yesterday)
    StatusCount.objects.create(account=engine_world.account, campaign=campaign, status="failed", count=7)  # drifted

    migration.count_rows_by_hour(apps, None)

    counts = campaign_counts(campaign)
    assert (counts["delivered"], counts["expired"], counts["failed"], counts["total"]) == (2, 2, 0, 4)
    rows = set(StatusCount.objects.filter(campaign=campaign).values_list("status", "not_sent", "count"))
    assert rows == {("delivered", False, 1), ("expired", True, 1), ("expired", False, 1)}
    assert StatusCount.objects.filter(
        campaign=campaign, status="delivered", hour=yesterday.replace(minute=0, second=0, microsecond=0)
    ).exists()
