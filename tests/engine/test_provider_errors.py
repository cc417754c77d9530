"""A provider answering 401, 500, 429 or timing out: a recorded error, a retry or a pause,
never a crash and never a second submission (respx at the httpx seam, VT backend)."""

from __future__ import annotations

import httpx
import pytest
import respx

from campaigns.models import Campaign, Message
from campaigns.services.campaigns import launch
from campaigns.services.counts import campaign_counts
from providers.http import close_shared_clients
from providers.models import ProviderCall
from tests.engine.conftest import add_contacts, make_campaign

SEND_URL = "http://sim.test/vt/v3/sendsms"


@pytest.fixture
def campaign(engine_world):
    close_shared_clients()
    contacts = add_contacts(engine_world.account, ["+923001234517", "+923001234527"])
    return make_campaign(engine_world, contacts, text="Hello")


def statuses(campaign) -> list[str]:
    return sorted(Message.objects.filter(campaign=campaign).values_list("status", flat=True))


@respx.mock
def test_401_pauses_the_campaign_and_keeps_messages_pending(campaign):
    respx.post(SEND_URL).mock(return_value=httpx.Response(401, text="unauthorized"))
    launch(campaign)
    campaign.refresh_from_db()
    assert campaign.status == "paused"
    assert "auth_failed" in campaign.status_reason
    assert statuses(campaign) == ["pending", "pending"]
    message = Message.objects.filter(campaign=campaign).first()
    assert message.error_code == "auth_failed" and message.attempts == 0
    assert ProviderCall.objects.filter(status_code=401).exists()


@respx.mock
def test_500_is_retried_later_with_backoff(campaign):
    route = respx.post(SEND_URL).mock(return_value=httpx.Response(500, text="oops"))
    from campaigns.services import pipeline

    pipeline.RETRY_WAIT_IN_TASK, saved = 0.0, pipeline.RETRY_WAIT_IN_TASK  # do not wait in the test
    try:
        launch(campaign)
    finally:
        pipeline.RETRY_WAIT_IN_TASK = saved
    campaign.refresh_from_db()
    assert campaign.status == "running"
    messages = list(Message.objects.filter(campaign=campaign))
    assert all(m.status == "pending" and m.attempts == 1 and m.next_attempt_at and m.error_code == "provider_error" for m in messages)
    assert route.call_count == 2
    assert campaign_counts(campaign)["pending"] == 2


@respx.mock
def test_timeout_after_sending_is_unknown_never_resent(campaign):
    route = respx.post(SEND_URL).mock(side_effect=httpx.ReadTimeout("slow"))
    launch(campaign)
    campaign.refresh_from_db()
    assert statuses(campaign) == ["unknown", "unknown"]
    assert route.call_count == 2
    from campaigns.services.maintenance import tick

    tick()
    assert route.call_count == 2  # nothing is sent again
    assert Campaign.objects.get(pk=campaign.pk).status == "completed"  # unknown is not pending


@respx.mock
def test_connect_error_is_retryable(campaign):
    respx.post(SEND_URL).mock(side_effect=httpx.ConnectError("refused"))
    from campaigns.services import pipeline

    pipeline.RETRY_WAIT_IN_TASK, saved = 0.0, pipeline.RETRY_WAIT_IN_TASK
    try:
        launch(campaign)
    finally:
        pipeline.RETRY_WAIT_IN_TASK = saved
    assert statuses(campaign) == ["pending", "pending"]
    assert Message.objects.filter(campaign=campaign, error_code="network").count() == 2


@respx.mock
def test_invalid_number_fails_that_message_only_and_releases(engine_world):
    close_shared_clients()
    contacts = add_contacts(engine_world.account, ["+923001230000", "+923001234517"])
    campaign = make_campaign(engine_world, contacts, text="Hello")

    def answer(request):
        body = request.read().decode()
        if "923001230000" in body:
            return httpx.Response(200, json={"STATUS": "ERROR", "ERROR_FILTER": "INVALID_NUMBER", "ERROR_DESCRIPTION": "bad"})
        return httpx.Response(200, json={"STATUS": "SUCCESSFUL", "MESSAGE_ID": "vt-1"})

    respx.post(SEND_URL).mock(side_effect=answer)
    launch(campaign)
    counts = campaign_counts(campaign)
    assert counts["failed"] == 1 and counts["submitted"] == 1, counts
    failed = Message.objects.get(campaign=campaign, status="failed")
    assert failed.error_code == "invalid_number" and failed.cost == 0
    campaign.refresh_from_db()
    assert campaign.spent == failed.price  # only the submitted one was charged


@respx.mock
def test_429_backs_off_every_sender(campaign):
    from campaigns.services import pipeline
    from campaigns.services.pacing import connection_key, reserve

    respx.post(SEND_URL).mock(return_value=httpx.Response(429, headers={"Retry-After": "30"}, text="slow down"))
    pipeline.RETRY_WAIT_IN_TASK, saved = 0.0, pipeline.RETRY_WAIT_IN_TASK
    try:
        launch(campaign)
    finally:
        pipeline.RETRY_WAIT_IN_TASK = saved
    messages = list(Message.objects.filter(campaign=campaign))
    assert all(m.status == "pending" and m.error_code == "rate_limited" for m in messages)
    assert all((m.next_attempt_at - m.updated_at).total_seconds() >= 29 for m in messages)
    # Any worker about to send on this connection now waits for the provider's window.
    assert 25 < reserve(connection_key(campaign.connection_id), 1, 0) <= 30
