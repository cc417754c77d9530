"""subscription/userSubscription and the subscription/notify it triggers."""

from __future__ import annotations

import httpx
import pytest

from providers.base import ErrorCode, ProviderException, WebhookRequest
from tests.providers.vappstore.helpers import Recorder, make_backend, replying, sent_json

NUMBER = "+6792870940"


def test_subscribe_request_matches_the_document(sim):
    recorder = Recorder({"vappstore": sim})
    event = make_backend(recorder).set_subscription(NUMBER, True)
    assert recorder.requests[0].url.path == "/vappstore/subscription/userSubscription"
    assert sent_json(recorder.requests[0]) == {
        "applicationId": "APP_999999",
        "password": "password",
        "subscriberId": "tel:6792870940",
        "action": "1",
    }
    assert (event.kind, event.phone, event.data["status"]) == ("subscription", NUMBER, "REGISTERED")


def test_unsubscribe_sends_action_0(sim):
    recorder = Recorder({"vappstore": sim})
    event = make_backend(recorder).set_subscription(NUMBER, False)
    assert sent_json(recorder.requests[0])["action"] == "0"
    assert event.kind == "unsubscription"


def test_documents_reply_sample_is_understood():
    reply = {"version": "1.0.", "statusCode": "S1000", "statusDetail": "not registered", "subscriptionStatus": "UNREGISTERED."}
    transport, _ = replying(httpx.Response(200, json=reply))
    event = make_backend(transport).set_subscription(NUMBER, False)
    assert (event.kind, event.data["status"]) == ("unsubscription", "UNREGISTERED")


def test_subscribing_twice_is_not_an_error(backend):
    backend.set_subscription(NUMBER, True)
    event = backend.set_subscription(NUMBER, True)
    assert event.kind == "subscription"
    assert event.data["status_code"] == "E1351"


def test_failure_raises_provider_exception(sim):
    backend = make_backend(Recorder({"vappstore": sim}), credentials={"applicationId": "APP_1", "password": "bad"})
    with pytest.raises(ProviderException) as caught:
        backend.set_subscription(NUMBER, True)
    assert caught.value.error.code == ErrorCode.AUTH_FAILED


def test_the_platform_notifies_the_change(sim, backend):
    backend.set_subscription(NUMBER, True)
    [out] = sim.drain()
    assert out.url.endswith("/subscription/")
    [event] = backend.parse_webhook(WebhookRequest("POST", "", out.content_type, out.body)).events
    assert (event.kind, event.phone) == ("subscription", NUMBER)
