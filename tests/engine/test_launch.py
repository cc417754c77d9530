"""Launch validation (each reason gets a clear message), reservation, scheduling."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_q.models import Schedule

from campaigns.models import Account, Campaign, SenderID, Suppression
from campaigns.services.campaigns import LaunchError, launch, validate_for_launch
from tests.engine.conftest import add_contacts, make_campaign


@pytest.fixture
def audience(engine_world):
    return add_contacts(engine_world.account, ["+923001234517", "+923001234527"])


def errors_for(world, audience, **kw) -> list[str]:
    return validate_for_launch(make_campaign(world, audience, **kw))


def test_valid_campaign_has_no_errors(engine_world, audience):
    assert errors_for(engine_world, audience) == []


def test_unapproved_sender(engine_world, audience):
    sender = SenderID.objects.create(account=engine_world.account, channel="sms", value="PENDINGCO")
    assert any("not approved" in e for e in errors_for(engine_world, audience, sender=sender))


def test_sender_of_another_channel(engine_world, audience):
    sender = SenderID.objects.create(account=engine_world.account, channel="voice", value="+92300", status="approved")
    assert any("is for Voice" in e for e in errors_for(engine_world, audience, sender=sender))


def test_missing_sender_and_no_connection_to_route_to(engine_world, audience):
    assert not any("connection" in e for e in errors_for(engine_world, audience, connection=None))  # routing picks one
    engine_world.connection.is_active = False
    engine_world.connection.save()
    errors = errors_for(engine_world, audience, sender=None, connection=None)
    assert "Choose an approved sender ID." in errors and "No active connection sends SMS." in " ".join(errors)


def test_connection_that_does_not_serve_the_channel(engine_world, audience):
    engine_world.connection.channels = ["whatsapp"]
    engine_world.connection.save()
    assert any("does not send SMS" in e for e in errors_for(engine_world, audience))


def test_empty_and_too_long_text(engine_world, audience):
    assert "The message text is empty." in errors_for(engine_world, audience, text="  ")
    assert any("segments long" in e for e in errors_for(engine_world, audience, text="x" * 2000))


def test_empty_audience(engine_world, audience):
    assert any("audience is empty" in e for e in errors_for(engine_world, None))
    for phone in ("+923001234517", "+923001234527"):
        Suppression.objects.create(account=engine_world.account, phone=phone)
    assert any("audience is empty" in e for e in errors_for(engine_world, audience))


def test_balance_must_cover_the_estimate(engine_world, audience):
    Account.objects.filter(pk=engine_world.account.pk).update(reserved=Decimal("99.99"))
    assert any("balance does not cover" in e for e in errors_for(engine_world, audience))


def test_schedule_sanity(engine_world, audience):
    past = timezone.now() - timedelta(hours=1)
    assert "The send time is in the past." in errors_for(engine_world, audience, send_at=past)
    assert "The expiry time is in the past." in errors_for(engine_world, audience, expires_at=past)
    assert any("both ends" in e for e in errors_for(engine_world, audience, allowed_start=timezone.now().time()))


def test_launch_raises_with_the_errors(engine_world, audience):
    campaign = make_campaign(engine_world, audience, text="")
    with pytest.raises(LaunchError) as info:
        launch(campaign)
    assert "The message text is empty." in info.value.errors
    assert Campaign.objects.get(pk=campaign.pk).status == "draft"


def test_future_launch_reserves_and_schedules(engine_world, audience):
    when = timezone.now() + timedelta(hours=2)
    campaign = make_campaign(engine_world, audience, send_at=when)
    launch(campaign, engine_world.marketer)
    campaign.refresh_from_db()
    assert campaign.status == "scheduled" and campaign.launched_at
    assert campaign.estimated_cost == Decimal("0.0400")  # 2 recipients x 1 segment x 0.02 (prefix 92)
    account = Account.objects.get(pk=engine_world.account.pk)
    assert account.reserved == campaign.reserved_amount == campaign.estimated_cost
    schedule = Schedule.objects.get(func="campaigns.tasks.start_campaign")
    assert schedule.schedule_type == Schedule.ONCE and abs((schedule.next_run - when).total_seconds()) < 1
    with pytest.raises(LaunchError):
        launch(campaign)  # not a draft any more
