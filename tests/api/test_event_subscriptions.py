"""Event subscriptions through the API, deliveries with every attempt, redelivery, and the
whole path: a message's status changes -> a signed POST to the subscriber."""

from __future__ import annotations

import json

import pytest
import respx

from campaigns.models import EventDelivery, EventSubscription
from campaigns.services.events import send_due_deliveries, verify_signature
from tests.api.conftest import assert_access, error_of

URL = "/api/v1/event-subscriptions"
DELIVERIES = "/api/v1/event-deliveries"
HOOK = "https://hooks.example.test/portal"


@pytest.fixture
def subscription(api) -> dict:
    response = api.post(URL, {"url": HOOK, "events": ["message.status", "message.status", "campaign.finished"]})
    assert response.status_code == 201, response.content
    return response.json()


def test_create_shows_the_secret_once(api, subscription):
    assert subscription["secret"].startswith("whsec_") and subscription["events"] == ["message.status", "campaign.finished"]
    shown = api.get(f"{URL}/{subscription['id']}").json()
    assert "secret" not in shown
    rotated = api.post(f"{URL}/{subscription['id']}/rotate-secret").json()["secret"]
    assert rotated != subscription["secret"] and EventSubscription.objects.get().secret == rotated


def test_validation(api):
    bad = api.post(URL, {"url": "ftp://example.test/x", "events": ["message.exploded"]})
    fields = error_of(bad)["fields"]
    assert bad.status_code == 400 and "url" in fields and "events" in fields
    assert api.post(URL, {"url": HOOK, "events": []}).status_code == 400


def test_update_and_delete(api, subscription):
    assert api.patch(f"{URL}/{subscription['id']}", {"active": False}).json()["active"] is False
    assert api.delete(f"{URL}/{subscription['id']}").status_code == 204


def test_status_change_reaches_the_subscriber_signed(
    api, world, subscription, approved_sender, simulators, django_capture_on_commit_callbacks
):
    with respx.mock(assert_all_called=False) as mock:
        route = mock.post(HOOK).respond(200)
        with django_capture_on_commit_callbacks(execute=True):
            sent = api.post("/api/v1/messages", {"to": "+923001234512", "text": "hello"})
        assert sent.status_code == 201
        with django_capture_on_commit_callbacks(execute=True):
            simulators.deliver()  # the provider's delivery report reaches our webhook
        send_due_deliveries()
    assert route.called
    bodies = [json.loads(call.request.content) for call in route.calls]
    assert {b["data"]["message_id"] for b in bodies} == {sent.json()["id"]}
    assert "delivered" in {b["data"]["status"] for b in bodies}
    request = route.calls.last.request
    assert verify_signature(subscription["secret"], request.headers["X-Portal-Signature"], request.content)
    listed = api.get(DELIVERIES, {"subscription": subscription["id"]}).json()["results"]
    assert listed and all(d["status"] == "delivered" and d["attempt_log"][0]["status_code"] == 200 for d in listed)


def test_failed_delivery_is_visible_and_can_be_redelivered(api, world, subscription, django_capture_on_commit_callbacks):
    from campaigns.services.events import emit_event

    with respx.mock() as mock:
        mock.post(HOOK).respond(503)
        with django_capture_on_commit_callbacks(execute=True):
            emit_event(world.account.pk, "campaign.finished", {"campaign_id": 1})
        delivery = api.get(DELIVERIES).json()["results"][0]
        assert delivery["status"] == "retrying" and delivery["last_status_code"] == 503 and delivery["next_attempt_at"]
        assert [a["status_code"] for a in delivery["attempt_log"]] == [503]
        mock.post(HOOK).respond(200)
        with django_capture_on_commit_callbacks(execute=True):
            again = api.post(f"{DELIVERIES}/{delivery['id']}/redeliver")
        assert again.status_code == 202
    final = api.get(f"{DELIVERIES}/{delivery['id']}").json()
    assert final["status"] == "delivered" and [a["status_code"] for a in final["attempt_log"]] == [503, 200]


def test_access_control(apis, world, subscription):
    assert_access(f"{URL}/{subscription['id']}", apis)
    sub = EventSubscription.objects.get(pk=subscription["id"])
    delivery = EventDelivery.objects.create(account=world.account, subscription=sub, kind="message.status")
    assert_access(f"{DELIVERIES}/{delivery.pk}", apis)
    # A subaccount key manages only its own subscriptions, bound to its subaccount.
    assert apis["sub"].get(f"{URL}/{subscription['id']}").status_code == 404
    assert apis["sub"].get(f"{DELIVERIES}/{delivery.pk}").status_code == 404
    mine = apis["sub"].post(URL, {"url": HOOK, "events": ["message.inbound"]})
    assert mine.status_code == 201 and EventSubscription.objects.get(pk=mine.json()["id"]).subaccount == world.subaccount
    assert apis["ro"].post(URL, {"url": HOOK, "events": ["message.inbound"]}).status_code == 403


@pytest.mark.parametrize(
    "url", ["http://localhost:8000/x", "http://127.0.0.1/x", "http://10.1.2.3/x", "http://[::1]/x", "http://169.254.169.254/latest"]
)
def test_internal_addresses_are_refused(api, url, settings):
    settings.DEBUG = False
    response = api.post(URL, {"url": url, "events": ["message.status"]})
    assert response.status_code == 400 and "url" in error_of(response)["fields"]
    settings.API_EVENTS_ALLOW_PRIVATE_URLS = True
    assert api.post(URL, {"url": url, "events": ["message.status"]}).status_code == 201
