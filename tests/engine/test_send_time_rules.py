"""Recipient local time, quiet hours and frequency caps as a campaign materializes and
sends (campaigns/services/send_rules/), with a fake clock."""

from __future__ import annotations

import contextlib
import threading
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

from campaigns.models import Campaign, Contact, Message, SendWave
from campaigns.services.campaigns import launch
from campaigns.services.maintenance import tick
from campaigns.services.materialize import materialize
from campaigns.services.messaging import SendError, send_single
from campaigns.services.send_rules import SendRules
from campaigns.services.send_rules.waves import summary
from providers.base import MessageStatus as S
from tests.engine.conftest import add_contacts, make_campaign, numbers

UTC = ZoneInfo("UTC")
KARACHI = numbers(3, prefix="+92300")  # Asia/Karachi, UTC+5
NEW_YORK = [f"+1212456{i:02d}1{i}" for i in range(2)]  # America/New_York, UTC-5 in December
START = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # 07:00 in Karachi, 21:00 (30 Nov) in New York


@pytest.fixture
def two_zones(fake_provider, engine_world, settings):
    conn, sim = fake_provider
    engine_world.sender.connection = conn
    engine_world.sender.save()
    settings.ENGINE_STALL_SECONDS = 0  # every tick picks up what became due
    audience = add_contacts(engine_world.account, KARACHI + NEW_YORK, "Two zones")
    campaign = make_campaign(engine_world, audience, connection=conn, text="Hello")
    return campaign, sim


def sent_to(campaign: Campaign) -> set[str]:
    return set(Message.objects.filter(campaign=campaign).exclude(status__in=[S.PENDING, S.QUEUED]).values_list("to", flat=True))


def test_local_time_sends_each_zone_at_its_own_ten(two_zones):
    campaign, sim = two_zones
    campaign.local_send_time = time(10, 0)
    campaign.save()
    with time_machine.travel(START, tick=False):
        launch(campaign)
        assert sent_to(campaign) == set()
        karachi_at = Message.objects.filter(campaign=campaign, to=KARACHI[0]).get().next_attempt_at
        assert karachi_at == datetime(2026, 12, 1, 5, 0, tzinfo=UTC)  # 10:00 in Karachi
    with time_machine.travel(datetime(2026, 12, 1, 5, 0, 30, tzinfo=UTC), tick=False):
        tick()
        assert sent_to(campaign) == set(KARACHI)
        waves = summary(campaign)
        assert [(w.zones, w.recipients, w.sent) for w in waves] == [
            ([("Asia/Karachi", "10:00")], 3, 3),
            ([("America/New_York", "10:00")], 2, 0),
        ]
    with time_machine.travel(datetime(2026, 12, 1, 14, 59, tzinfo=UTC), tick=False):
        tick()
        assert sent_to(campaign) == set(KARACHI)  # a minute before 10:00 in New York
    with time_machine.travel(datetime(2026, 12, 1, 15, 0, 5, tzinfo=UTC), tick=False):
        tick()
        assert sent_to(campaign) == set(KARACHI + NEW_YORK)
        assert Campaign.objects.get(pk=campaign.pk).status == "completed"
    assert sim.stats()["submissions"] >= 2


def test_contact_zone_attribute_wins_over_the_number(two_zones):
    campaign, _ = two_zones
    Contact.objects.filter(phone=KARACHI[0]).update(attributes={"timezone": "America/New_York"})
    Contact.objects.filter(phone=KARACHI[1]).update(attributes={"timezone": "Not/AZone"})  # ignored
    campaign.local_send_time = time(10, 0)
    campaign.save()
    with time_machine.travel(START, tick=False):
        launch(campaign)
    planned = dict(Message.objects.filter(campaign=campaign).values_list("to", "not_before"))
    assert planned[KARACHI[0]] == datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
    assert planned[KARACHI[1]] == datetime(2026, 12, 1, 5, 0, tzinfo=UTC)


def test_a_number_spanning_zones_follows_the_account_rule(engine_world):
    account = engine_world.account
    campaign = make_campaign(engine_world, local_send_time=time(10, 0))
    sydney_or_perth = "+61412345678"  # eight Australian zones
    dawn = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)  # before 10:00 in all of them (05:00 on Lord Howe, UTC+11)
    for rule, expected in [("earliest", "Australia/Lord_Howe"), ("latest", "Indian/Cocos"), ("account", "UTC")]:
        account.multi_zone_rule = rule
        campaign.account = account
        plan = SendRules(campaign, start=dawn).plan(sydney_or_perth, None)
        assert plan.zone == expected, rule


def test_quiet_hours_defer_and_release(two_zones, engine_world):
    campaign, _ = two_zones
    engine_world.account.quiet_hours_enabled = True  # 21:00-08:00 by default
    engine_world.account.save()
    with time_machine.travel(START, tick=False):  # 07:00 in Karachi, 21:00 in New York: both quiet
        launch(campaign)
        campaign.refresh_from_db()
        assert campaign.deferred_quiet == 5 and sent_to(campaign) == set()
    with time_machine.travel(datetime(2026, 12, 1, 3, 0, 1, tzinfo=UTC), tick=False):  # 08:00 in Karachi
        tick()
        assert sent_to(campaign) == set(KARACHI)
    with time_machine.travel(datetime(2026, 12, 1, 13, 0, 1, tzinfo=UTC), tick=False):  # 08:00 in New York
        tick()
        assert sent_to(campaign) == set(KARACHI + NEW_YORK)
    reasons = set(SendWave.objects.filter(campaign=campaign).values_list("reason", flat=True))
    assert reasons == {"quiet_hours"}


def test_quiet_hours_wait_but_expiry_still_applies(two_zones, engine_world):
    campaign, _ = two_zones
    engine_world.account.quiet_hours_enabled = True
    engine_world.account.save()
    campaign.expires_at = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)  # before New York's quiet hours end
    campaign.save()
    with time_machine.travel(START, tick=False):
        launch(campaign)
    with time_machine.travel(datetime(2026, 12, 1, 3, 0, 1, tzinfo=UTC), tick=False):  # 08:00 in Karachi
        tick()
    with time_machine.travel(datetime(2026, 12, 1, 6, 0, 1, tzinfo=UTC), tick=False):
        tick()
    statuses = dict(Message.objects.filter(campaign=campaign).values_list("to", "status"))
    assert {statuses[n] for n in NEW_YORK} == {S.EXPIRED}
    assert S.EXPIRED not in {statuses[n] for n in KARACHI}


def earlier_message(world, to: str, hours_ago: float, *, status=S.DELIVERED, transactional=False) -> Message:
    return Message.objects.create(
        account=world.account,
        connection=world.connection,
        to=to,
        text="earlier",
        status=status,
        transactional=transactional,
        not_before=START - timedelta(hours=hours_ago),
    )


def test_cap_skips_contacts_over_it(two_zones, engine_world):
    campaign, _ = two_zones
    engine_world.account.cap_messages = 1  # per 24 hours, all channels
    engine_world.account.save()
    earlier_message(engine_world, KARACHI[0], hours_ago=2)
    earlier_message(engine_world, KARACHI[1], hours_ago=25)  # outside the day: sent again
    earlier_message(engine_world, KARACHI[2], hours_ago=1, status=S.FAILED)  # never went out: not counted
    earlier_message(engine_world, NEW_YORK[0], hours_ago=3, transactional=True)  # an OTP: counted
    with time_machine.travel(START, tick=False):
        launch(campaign)
    campaign.refresh_from_db()
    assert campaign.dropped_capped == 2 and campaign.deferred_capped == 0
    assert set(Message.objects.filter(campaign=campaign).values_list("to", flat=True)) == {KARACHI[1], KARACHI[2], NEW_YORK[1]}


def test_cap_defers_in_defer_mode(two_zones, engine_world):
    campaign, _ = two_zones
    engine_world.account.cap_messages = 1
    engine_world.account.save()
    campaign.cap_mode = "defer"
    campaign.save()
    earlier_message(engine_world, KARACHI[0], hours_ago=2.5)  # free again at 23:30 UTC, deferred to 00:00
    with time_machine.travel(START, tick=False):
        launch(campaign)
        assert sent_to(campaign) == set(KARACHI[1:] + NEW_YORK)
    campaign.refresh_from_db()
    assert campaign.deferred_capped == 1 and campaign.dropped_capped == 0
    held = Message.objects.get(campaign=campaign, to=KARACHI[0])
    assert held.status == S.PENDING and held.next_attempt_at == datetime(2026, 12, 2, 0, 0, tzinfo=UTC)
    with time_machine.travel(datetime(2026, 12, 2, 0, 0, 5, tzinfo=UTC), tick=False):
        tick()
    assert KARACHI[0] in sent_to(campaign)


def test_cap_per_channel_counts_only_that_channel(two_zones, engine_world):
    campaign, _ = two_zones
    engine_world.account.cap_messages = 1
    engine_world.account.cap_per_channel = True
    engine_world.account.save()
    Message.objects.filter(pk=earlier_message(engine_world, KARACHI[0], hours_ago=1).pk).update(channel="whatsapp")
    earlier_message(engine_world, KARACHI[1], hours_ago=1)
    with time_machine.travel(START, tick=False):
        launch(campaign)
    assert set(Message.objects.filter(campaign=campaign).values_list("to", flat=True)) == {KARACHI[0], KARACHI[2], *NEW_YORK}


def test_transactional_sends_are_exempt_but_counted(engine_world):
    account = engine_world.account
    account.cap_messages = 1
    account.save()
    to = KARACHI[0]
    common = {"account": account, "connection": engine_world.connection, "channel": "sms", "to": to, "text": "hi"}
    send_single(**common, transactional=False)
    with pytest.raises(SendError, match="frequency cap"):
        send_single(**common, transactional=False)
    otp = send_single(**common, transactional=True)
    assert otp.transactional and Message.objects.filter(to=to).count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_campaigns_with_cap_one_a_day_send_each_contact_once(engine_world):
    """Truly parallel on PostgreSQL (row locks on the contacts); SQLite's in-memory test
    database refuses parallel writers, so there the two take turns one after the other."""
    import campaigns.services.materialize as mat

    engine_world.account.cap_messages = 1
    engine_world.account.save()
    audience = add_contacts(engine_world.account, numbers(60), "Shared")
    first = make_campaign(engine_world, audience, name="First", status="running")
    second = make_campaign(engine_world, audience, name="Second", status="running")
    barrier = threading.Barrier(2)
    turns = threading.Lock() if connection.vendor == "sqlite" else contextlib.nullcontext()
    errors: list[BaseException] = []

    def run(campaign):
        try:
            barrier.wait()
            with turns:
                materialize(campaign)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    mat.CREATE_BATCH, batch = 7, mat.CREATE_BATCH  # many small pages, so the two interleave
    try:
        threads = [threading.Thread(target=run, args=(c,)) for c in (first, second)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    finally:
        mat.CREATE_BATCH = batch
    assert not errors, errors
    per_contact = Message.objects.filter(campaign__in=[first, second]).values_list("to", flat=True)
    assert sorted(per_contact) == sorted(numbers(60))  # each exactly once
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.dropped_capped + second.dropped_capped == 60


def test_cap_deferral_of_a_local_time_campaign_keeps_the_local_time(two_zones, engine_world):
    campaign, _ = two_zones
    engine_world.account.cap_messages = 1
    engine_world.account.save()
    campaign.cap_mode, campaign.local_send_time = "defer", time(10, 0)
    campaign.save()
    earlier_message(engine_world, KARACHI[0], hours_ago=-2)  # one planned at 04:00 UTC: the cap frees at 04:00 tomorrow
    with time_machine.travel(START, tick=False):
        launch(campaign)
    held = Message.objects.get(campaign=campaign, to=KARACHI[0])
    assert held.not_before == datetime(2026, 12, 2, 5, 0, tzinfo=UTC)  # 10:00 in Karachi, the day after
    assert SendWave.objects.get(campaign=campaign, reason="cap").zone == "Asia/Karachi"


def test_waves_count_as_sent_only_what_went_out(two_zones, engine_world):
    campaign, _ = two_zones
    engine_world.account.quiet_hours_enabled = True
    engine_world.account.save()
    campaign.expires_at = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
    campaign.save()
    with time_machine.travel(START, tick=False):
        launch(campaign)
    with time_machine.travel(datetime(2026, 12, 1, 3, 0, 1, tzinfo=UTC), tick=False):
        tick()
    with time_machine.travel(datetime(2026, 12, 1, 6, 0, 1, tzinfo=UTC), tick=False):
        tick()  # New York's wave expired unsent
    assert [(w.zones[0][0], w.recipients, w.sent) for w in summary(campaign)] == [("Asia/Karachi", 3, 3), ("America/New_York", 2, 0)]
