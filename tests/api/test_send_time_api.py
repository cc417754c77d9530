"""Send-time rules in the API: a campaign's local_time and cap_mode, the account's
send policy (read-only), and the transactional flag of single sends."""

from __future__ import annotations

from decimal import Decimal

import pytest

from campaigns.models import Message, Price
from campaigns.services.ledger import top_up
from tests.api.conftest import error_of

TO = "+923001234512"


def test_campaign_local_time_and_cap_mode(api, vt_connection):
    response = api.post("/api/v1/campaigns", {"name": "Morning", "local_time": "10:00", "cap_mode": "defer"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["local_time"], body["cap_mode"]) == ("10:00", "defer")
    assert body["dropped_capped"] == body["deferred_capped"] == body["deferred_quiet"] == 0
    cleared = api.patch(f"/api/v1/campaigns/{body['id']}", {"local_time": None}).json()
    assert cleared["local_time"] is None
    bad = api.post("/api/v1/campaigns", {"name": "x", "local_time": "25:00", "cap_mode": "never"})
    assert bad.status_code == 400 and {"local_time", "cap_mode"} <= set(error_of(bad)["fields"])


def test_send_policy_is_readable(api, ro_api, anon_api, revoked_api, outsider_api, world):
    world.account.quiet_hours_enabled, world.account.cap_messages, world.account.cap_period = True, 3, "week"
    world.account.save()
    expected = {
        "quiet_hours": {"enabled": True, "start": "21:00", "end": "08:00"},
        "multi_zone_rule": "account",
        "frequency_cap": {"messages": 3, "period": "week", "per_channel": False},
    }
    assert api.get("/api/v1/send-policy").json() == expected
    assert ro_api.get("/api/v1/send-policy").json() == expected
    for client in (anon_api, revoked_api):
        assert client.get("/api/v1/send-policy").status_code == 401
    assert outsider_api.get("/api/v1/send-policy").json()["frequency_cap"]["messages"] is None  # its own account's


@pytest.fixture
def capped(world, approved_sender, simulators):
    Price.objects.create(account=world.account, channel="sms", prefix="", amount=Decimal("0.01"))
    top_up(world.account, Decimal("10"))
    world.account.cap_messages = 1
    world.account.save()
    return world


def test_transactional_sends_pass_the_cap_marketing_ones_do_not(api, capped, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = api.post("/api/v1/messages", {"to": TO, "text": "Sale today"})
        refused = api.post("/api/v1/messages", {"to": TO, "text": "Another sale"})
        otp = api.post("/api/v1/messages", {"to": TO, "text": "Your code is 1234", "transactional": True})
    assert first.status_code == 201 and first.json()["transactional"] is False
    assert refused.status_code == 422 and "frequency cap" in error_of(refused)["message"]
    assert otp.status_code == 201 and otp.json()["transactional"] is True
    assert Message.objects.filter(to=TO).count() == 2


def test_otp_endpoint_messages_are_transactional(api, capped, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post("/api/v1/messages", {"to": TO, "text": "Sale today"}).status_code == 201
        response = api.post("/api/v1/otp", {"to": TO})
    assert response.status_code == 201, response.content
    assert Message.objects.filter(to=TO, transactional=True).count() == 1
