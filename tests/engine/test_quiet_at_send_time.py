"""Quiet hours checked when a chunk is claimed (send_rules/quiet_gate.py), not only when a
campaign materializes: a campaign resumed at night, a retry due at night, with a fake clock."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from campaigns.models import Campaign, Message
from campaigns.services.campaigns import pause, resume
from campaigns.services.maintenance import tick
from campaigns.services.materialize import materialize
from campaigns.services.send_rules.quiet_gate import QuietGate
from providers.base import MessageStatus as S
from tests.engine.conftest import add_contacts, make_campaign, numbers

UTC = ZoneInfo("UTC")
KARACHI = numbers(3, prefix="+92300")  # UTC+5: quiet 16:00-03:00 UTC
NEW_YORK = [f"+1212456{i:02d}1{i}" for i in range(2)]  # UTC-5 in December: quiet 02:00-13:00 UTC
AFTERNOON = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)  # 19:00 in Karachi, 09:00 in New York: both may be sent to
KARACHI_NIGHT = datetime(2026, 12, 1, 16, 30, tzinfo=UTC)  # 21:30 in Karachi, 11:30 in New York
KARACHI_MORNING = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)  # 08:00 in Karachi


@pytest.fixture
def materialized(fake_provider, engine_world, settings):
    """A running campaign to both zones, materialized in the afternoon (nothing waits for
    quiet hours then) and paused before anything went out."""
    conn, _ = fake_provider
    engine_world.sender.connection = conn
    engine_world.sender.save()
    settings.ENGINE_STALL_SECONDS = 0
    engine_world.account.quiet_hours_enabled = True  # 21:00-08:00 by default
    engine_world.account.save()
    audience = add_contacts(engine_world.account, KARACHI + NEW_YORK, "Two zones")
    campaign = make_campaign(engine_world, audience, connection=conn, text="Hello", status="running", started_at=AFTERNOON)
    with time_machine.travel(AFTERNOON, tick=False):
        materialize(campaign)
        pause(campaign, "Paused for the evening.")
    assert Message.objects.filter(campaign=campaign, next_attempt_at__isnull=False).count() == 0
    return Campaign.objects.get(pk=campaign.pk)


def sent_to(campaign: Campaign) -> set[str]:
    return set(Message.objects.filter(campaign=campaign).exclude(status__in=[S.PENDING, S.QUEUED]).values_list("to", flat=True))


def test_a_campaign_resumed_inside_quiet_hours_waits_for_their_end(materialized):
    campaign = materialized
    with time_machine.travel(KARACHI_NIGHT, tick=False):
        resume(campaign)
        assert sent_to(campaign) == set(NEW_YORK)  # Karachi is inside its quiet hours
        waiting = Message.objects.filter(campaign=campaign, to__in=KARACHI)
        assert {(m.status, m.next_attempt_at) for m in waiting} == {(S.PENDING, KARACHI_MORNING)}
        assert Campaign.objects.get(pk=campaign.pk).deferred_quiet == 3
    with time_machine.travel(datetime(2026, 12, 2, 2, 59, tzinfo=UTC), tick=False):
        tick()
        assert sent_to(campaign) == set(NEW_YORK)
    with time_machine.travel(KARACHI_MORNING.replace(second=1), tick=False):
        tick()
        assert sent_to(campaign) == set(KARACHI + NEW_YORK)
        campaign.refresh_from_db()
        assert campaign.status == "completed" and campaign.deferred_quiet == 3


def test_a_retry_due_at_night_waits(materialized):
    campaign = materialized
    night_retry = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)  # 22:00 in Karachi
    Message.objects.filter(campaign=campaign, to=KARACHI[0]).update(attempts=1, next_attempt_at=night_retry)
    with time_machine.travel(AFTERNOON.replace(minute=5), tick=False):
        resume(campaign)
        assert sent_to(campaign) == set(KARACHI[1:] + NEW_YORK)
    with time_machine.travel(night_retry.replace(second=30), tick=False):
        tick()
        retry = Message.objects.get(campaign=campaign, to=KARACHI[0])
        assert (retry.status, retry.next_attempt_at) == (S.PENDING, KARACHI_MORNING)
    with time_machine.travel(KARACHI_MORNING.replace(second=1), tick=False):
        tick()
        assert Message.objects.get(campaign=campaign, to=KARACHI[0]).status not in (S.PENDING, S.QUEUED)


def test_expiry_still_ends_a_recipient_waiting_for_quiet_hours(materialized):
    campaign = materialized
    Campaign.objects.filter(pk=campaign.pk).update(expires_at=datetime(2026, 12, 1, 23, 0, tzinfo=UTC))
    with time_machine.travel(KARACHI_NIGHT, tick=False):
        resume(Campaign.objects.get(pk=campaign.pk))
    with time_machine.travel(datetime(2026, 12, 1, 23, 0, 1, tzinfo=UTC), tick=False):
        tick()
    statuses = dict(Message.objects.filter(campaign=campaign).values_list("to", "status"))
    assert {statuses[n] for n in KARACHI} == {S.EXPIRED}
    assert S.EXPIRED not in {statuses[n] for n in NEW_YORK}
    assert Campaign.objects.get(pk=campaign.pk).expired_unsent == 3


def test_transactional_messages_are_exempt(materialized):
    campaign = materialized
    Message.objects.filter(campaign=campaign, to=KARACHI[0]).update(transactional=True)
    ids = list(Message.objects.filter(campaign=campaign, to__in=KARACHI).values_list("pk", flat=True))
    held = QuietGate(campaign).hold(ids, KARACHI_NIGHT)
    assert Message.objects.get(campaign=campaign, to=KARACHI[0]).pk not in held and len(held) == 2


def test_without_quiet_hours_the_gate_lets_everything_through(materialized, engine_world):
    engine_world.account.quiet_hours_enabled = False
    engine_world.account.save()
    campaign = Campaign.objects.select_related("account").get(pk=materialized.pk)
    with time_machine.travel(KARACHI_NIGHT, tick=False):
        resume(campaign)
    assert sent_to(campaign) == set(KARACHI + NEW_YORK)
