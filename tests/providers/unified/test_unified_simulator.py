"""The Unified simulator: the document's replies and codes, counts and delivery reports."""

from __future__ import annotations

from urllib.parse import parse_qsl

import httpx
import pytest

from providers.base import MessageStatus, WebhookRequest
from providers.simulator.testing import SimulatorTransport

OK = {"username": "acme", "password": "p", "type": "0", "dlr": "1", "destination": "2348012345671", "source": "ACME", "message": "Hi"}


@pytest.fixture
def client(sim):
    return httpx.Client(transport=SimulatorTransport({"unified": sim}), base_url="http://sim.test/unified")


def send(client, **changes) -> str:
    return client.get("/bulksms/bulksms", params={**OK, **changes}).text


def test_success_reply_per_destination_joined_by_commas(client, sim):
    text = send(client, destination="2348012345671,+2348012345672")
    entries = [e.split("|") for e in text.split(",")]
    assert [e[:2] for e in entries] == [["1701", "2348012345671"], ["1701", "2348012345672"]]
    assert all(e[2] for e in entries)
    assert sim.stats()["submissions"] == 2


@pytest.mark.parametrize(
    "changes,reply",
    [
        ({"password": ""}, "1702"),
        ({"password": "bad"}, "1703"),
        ({"username": "nobalance-1"}, "1725"),
        ({"message": ""}, "1702"),
        ({"type": "4"}, "1704"),
        ({"dlr": "2"}, "1708"),
        ({"source": "TOO-LONG-SENDER"}, "1707"),
        ({"source": "+1234567890123456789"}, "1707"),
        ({"message": "x" * 2000}, "1705"),
        ({"destination": "2348012340000"}, "1706|2348012340000"),
    ],
)
def test_refusals(client, sim, changes, reply):
    assert send(client, **changes) == reply
    assert sim.stats()["submissions"] == 0


def test_dlr_zero_emits_no_report(client, sim):
    sim.resolve_webhook = lambda slug, value, kind: "http://testserver/webhooks/unified/tok/"
    send(client, dlr="0")
    assert sim.drain() == []


@pytest.mark.parametrize(
    "destination,word,status",
    [
        ("2348012345671", "DELIVRD", MessageStatus.DELIVERED),
        ("2348012345679", "UNDELIV", MessageStatus.UNDELIVERED),
        ("2348012345678", "EXPIRED", MessageStatus.EXPIRED),
        ("2348012345677", "REJECTD", MessageStatus.REJECTED),
    ],
)
def test_reports_follow_the_number_and_parse_back(client, sim, backend, destination, word, status):
    sim.resolve_webhook = lambda slug, value, kind: "http://testserver/webhooks/unified/tok/" if value == "acme" else None
    message_id = send(client, destination=destination).split("|")[2]
    [hook] = sim.drain()
    assert hook.method == "POST" and hook.content_type == "application/x-www-form-urlencoded"
    fields = dict(parse_qsl(hook.body.decode()))
    assert (fields["messageid"], fields["status"], fields["destination"]) == (message_id, word, destination)
    [update] = backend.parse_webhook(WebhookRequest("POST", "", hook.content_type, hook.body)).statuses
    assert (update.provider_message_id, update.status) == (message_id, status)


def test_rate_limit_is_http_429_and_retryable(client, sim, backend):
    from tests.providers.unified.conftest import sms

    sim.rate_limit = 1
    results = [backend.send_batch([sms(i, "+2348012345671", f"t{i}")])[0] for i in range(3)]
    assert any(r.retryable and r.error.code.value == "rate_limited" for r in results)


def test_unknown_path_is_404(client):
    assert client.get("/bulksms/other").status_code == 404
