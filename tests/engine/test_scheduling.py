"""Send time, allowed hours in the campaign's timezone, expiry, pause/resume/cancel (also
in the middle of a campaign), automatic pauses."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from campaigns.models import Account, Campaign, Message
from campaigns.services.campaigns import CampaignStateError, cancel, launch, pause, resume
from campaigns.services.counts import campaign_counts
from campaigns.services.maintenance import tick
from campaigns.services.windows import next_window_start
from tests.engine.conftest import add_contacts, make_campaign, numbers


@pytest.fixture
def fake_campaign(fake_provider, engine_world):
    conn, sim = fake_provider
    engine_world.sender.connection = conn
    engine_world.sender.save()
    contacts = add_contacts(engine_world.account, numbers(120), "Many")
    campaign = make_campaign(engine_world, contacts, connection=conn, text="Hello")
    return campaign, sim


def closed_window_now(tz: str = "Asia/Karachi") -> tuple[time, time]:
    """Allowed hours that exclude the current local time (a two-hour window 6 h from now)."""
    local = timezone.now().astimezone(ZoneInfo(tz))
    start = (local + timedelta(hours=6)).time().replace(second=0, microsecond=0)
    end = (local + timedelta(hours=8)).time().replace(second=0, microsecond=0)
    return start, end


def test_window_in_the_campaign_timezone():
    campaign = Campaign(timezone="Asia/Karachi", allowed_start=time(9), allowed_end=time(18))
    at = datetime(2026, 3, 2, 3, 0, tzinfo=ZoneInfo("UTC"))  # 08:00 in Karachi
    opens = next_window_start(campaign, at)
    assert opens == datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Karachi"))
    assert next_window_start(campaign, at + timedelta(hours=2)) is None  # 10:00 there
    late = next_window_start(campaign, at + timedelta(hours=12))  # 20:00 there: next morning
    assert late == datetime(2026, 3, 3, 9, 0, tzinfo=ZoneInfo("Asia/Karachi"))
    overnight = Campaign(timezone="UTC", allowed_start=time(20), allowed_end=time(6))
    assert next_window_start(overnight, datetime(2026, 3, 2, 23, 0, tzinfo=ZoneInfo("UTC"))) is None


def test_outside_allowed_hours_messages_wait_then_go(fake_campaign, settings):
    campaign, sim = fake_campaign
    campaign.timezone = "Asia/Karachi"
    campaign.allowed_start, campaign.allowed_end = closed_window_now()
    campaign.save()
    launch(campaign)
    campaign.refresh_from_db()
    assert campaign.status == "running"
    assert campaign_counts(campaign)["pending"] == 120 and sim.stats()["submissions"] == 0
    waiting = Message.objects.filter(campaign=campaign).first()
    assert waiting.next_attempt_at is not None and waiting.next_attempt_at > timezone.now()
    # The window opens: the tick picks the campaign up again.
    Campaign.objects.filter(pk=campaign.pk).update(allowed_start=None, allowed_end=None)
    Message.objects.filter(campaign=campaign).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    settings.ENGINE_STALL_SECONDS = 0
    tick()
    assert campaign_counts(campaign)["submitted"] == 120
    assert Campaign.objects.get(pk=campaign.pk).status == "completed"


def test_expiry_expires_what_was_not_sent_and_releases(fake_campaign):
    campaign, sim = fake_campaign
    campaign.timezone = "Asia/Karachi"
    campaign.allowed_start, campaign.allowed_end = closed_window_now()
    campaign.expires_at = timezone.now() + timedelta(hours=1)
    campaign.save()
    launch(campaign)
    assert Account.objects.get(pk=campaign.account_id).reserved > 0
    Campaign.objects.filter(pk=campaign.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    tick()
    counts = campaign_counts(campaign)
    assert counts["expired"] == 120 and counts["pending"] == 0
    campaign.refresh_from_db()
    assert campaign.status == "completed" and campaign.reserved_amount == 0
    assert Account.objects.get(pk=campaign.account_id).reserved == 0
    assert sim.stats()["submissions"] == 0


def stop_after_first_request(sim, campaign, action, monkeypatch):
    """Run ``action`` (pause, cancel) as soon as the first provider request returned, from
    the engine's side (the provider call itself runs in a helper thread)."""
    from campaigns.services import pipeline

    original, may_send, seen = sim.handle, pipeline._may_send, []

    def handle(request):
        seen.append(request.path)
        return original(request)

    def may_send_then_act(c):
        if seen and not getattr(sim, "_acted", False):
            sim._acted = True
            action(Campaign.objects.get(pk=campaign.pk))
        return may_send(c)

    sim.handle = handle
    monkeypatch.setattr(pipeline, "_may_send", may_send_then_act)


def test_pause_takes_effect_mid_campaign_and_resume_finishes(fake_campaign, monkeypatch):
    campaign, sim = fake_campaign
    stop_after_first_request(sim, campaign, lambda c: pause(c, "Checking the wording"), monkeypatch)
    launch(campaign)
    campaign.refresh_from_db()
    assert campaign.status == "paused" and campaign.status_reason == "Checking the wording"
    counts = campaign_counts(campaign)
    assert counts["submitted"] == 50 and counts["pending"] == 70  # one request of 50 went out
    resume(campaign)
    campaign.refresh_from_db()
    assert campaign_counts(campaign)["submitted"] == 120
    assert campaign.status == "completed"
    assert not sim.stats()["duplicates"]


def test_cancel_mid_campaign(fake_campaign, monkeypatch):
    campaign, sim = fake_campaign
    stop_after_first_request(sim, campaign, cancel, monkeypatch)
    launch(campaign)
    campaign.refresh_from_db()
    counts = campaign_counts(campaign)
    assert campaign.status == "cancelled"
    assert counts["submitted"] == 50 and counts["cancelled"] == 70 and counts["failed"] == 0
    assert Message.objects.filter(campaign=campaign, status="cancelled").count() == 70
    assert Account.objects.get(pk=campaign.account_id).reserved == 0
    with pytest.raises(CampaignStateError):
        resume(campaign)


def test_scheduled_campaign_starts_when_due(fake_campaign):
    campaign, sim = fake_campaign
    campaign.send_at = timezone.now() + timedelta(hours=3)
    campaign.save()
    launch(campaign)
    tick()
    assert Campaign.objects.get(pk=campaign.pk).status == "scheduled"
    Campaign.objects.filter(pk=campaign.pk).update(send_at=timezone.now() - timedelta(seconds=1))
    tick()
    assert Campaign.objects.get(pk=campaign.pk).status == "completed"
    assert sim.stats()["submissions"] == 120


def test_pausing_a_scheduled_campaign_and_resuming_it(fake_campaign):
    campaign, _sim = fake_campaign
    campaign.send_at = timezone.now() + timedelta(hours=3)
    campaign.save()
    launch(campaign)
    pause(campaign)
    assert campaign.status == "paused"
    resume(campaign)
    assert Campaign.objects.get(pk=campaign.pk).status == "scheduled"


def test_error_rate_pauses_the_campaign(fake_campaign, engine_world):
    campaign, _sim = fake_campaign
    bad = add_contacts(engine_world.account, [f"+9230012{i:02d}0000" for i in range(40)], "Bad")
    campaign.audience = {"lists": [bad.pk]}
    campaign.save()
    Account.objects.filter(pk=engine_world.account.pk).update(error_pause_threshold=Decimal("0.5"))
    launch(campaign)
    campaign.refresh_from_db()
    assert campaign.status == "paused" and "failed" in campaign.status_reason
    assert campaign_counts(campaign)["failed"] == 40


def test_no_balance_error_pauses_with_the_reason(fake_campaign):
    campaign, sim = fake_campaign
    original = sim.handle

    def refuse(request):
        from providers.simulator.base import SimResponse

        return SimResponse.json({"error": "unauthorized"}, status=401) if request.path == "/send" else original(request)

    sim.handle = refuse
    launch(campaign)
    campaign.refresh_from_db()
    assert campaign.status == "paused" and "auth_failed" in campaign.status_reason
    assert campaign_counts(campaign)["pending"] == 120
