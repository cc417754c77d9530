"""A scheduled campaign handed to the provider ahead of time where the connection says so:
Unified /bulksms/schedulemsg, Wavy scheduledDate. Without the setting it waits here."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs

import pytest
from django.utils import timezone

from campaigns.models import Campaign
from campaigns.services.campaigns import launch
from campaigns.services.maintenance import tick
from tests.conftest import login
from tests.e2e.conftest import compose

NUMBERS = {"unified": "+971501234512", "wavy": "+5511987650012"}


def scheduled(demo, slug: str, minutes: int, pin: bool = True) -> Campaign:
    campaign = compose(
        demo,
        {"name": f"Later {slug}", "channel": "sms", "connection": demo.connections[slug].pk},
        sender=demo.senders["sms"],
        pin=pin,
        content={"text": "Sale starts soon"},
        numbers=[NUMBERS[slug]],
        list_name=f"Later {slug}",
    )
    when = (timezone.now() + timedelta(minutes=minutes)).astimezone(UTC).replace(second=0, microsecond=0)
    response = login(demo.world.marketer).post(
        f"/campaigns/{campaign.pk}/edit/schedule/", {"when": "later", "send_at": when.strftime("%Y-%m-%dT%H:%M"), "timezone": "UTC"}
    )
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.send_at == when
    launch(campaign, demo.world.marketer)
    return campaign


def enable(demo, slug: str) -> None:
    conn = demo.connections[slug]
    conn.settings = {**(conn.settings or {}), "provider_schedules": True}
    conn.save()


@pytest.mark.parametrize("pin", [True, False], ids=["named-connection", "routed"])
def test_unified_gets_the_campaign_ahead_through_schedulemsg(demo, pin):
    enable(demo, "unified")
    campaign = scheduled(demo, "unified", 90, pin=pin)
    assert (campaign.connection_id is not None) == pin

    tick()

    [request] = demo.transport.to("unified")
    assert request.url.path.endswith("/bulksms/schedulemsg")
    params = parse_qs(request.url.query.decode())
    assert params["date"] == [campaign.send_at.strftime("%m/%d/%Y")] and params["gmt"] == ["+00:00"]
    campaign.refresh_from_db()
    assert campaign.status in ("running", "completed")


def test_wavy_gets_scheduled_date_in_its_time_zone(demo):
    enable(demo, "wavy")
    campaign = scheduled(demo, "wavy", 90)

    tick()

    [request] = [r for r in demo.transport.to("wavy") if "send" in r.url.path]
    sent = json.loads(request.read().decode())
    assert sent["scheduledDate"] == campaign.send_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    assert sent["timeZone"] == "UTC"
    assert datetime.fromisoformat(sent["scheduledDate"]).replace(tzinfo=UTC) > timezone.now()


@pytest.mark.parametrize("slug", ["unified", "wavy"])
def test_without_the_setting_the_campaign_waits_here(demo, slug):
    campaign = scheduled(demo, slug, 90)

    tick()

    assert demo.transport.to(slug) == []
    campaign.refresh_from_db()
    assert campaign.status == "scheduled"


def test_wavy_too_close_to_its_30_minute_notice_waits_here(demo):
    enable(demo, "wavy")
    campaign = scheduled(demo, "wavy", 32)

    tick()

    assert demo.transport.to("wavy") == []
    campaign.refresh_from_db()
    assert campaign.status == "scheduled"
