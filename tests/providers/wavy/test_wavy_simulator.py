"""The Wavy simulator: documented paths, limits, errors, counts and the webhooks it sends."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from providers.base import ErrorClass, ErrorCode, MessageStatus, WebhookRequest
from providers.simulator.base import SimRequest
from providers.simulator.testing import SimulatorTransport
from providers.wavy.simulator import Simulator

from .conftest import CREDENTIALS, HOOK_BASE, hook_url, make_backend, sms

HEADERS = {
    "username": CREDENTIALS["username"],
    "authenticationtoken": CREDENTIALS["authenticationtoken"],
    "content-type": "application/json",
}


def call(sim: Simulator, path: str, body=None, method: str = "POST", headers: dict | None = None):
    request = SimRequest(method=method, path=path, headers=headers or HEADERS, body=json.dumps(body).encode() if body is not None else b"")
    return sim.handle(request)


def parsed(hooks, backend):
    return [backend.parse_webhook(WebhookRequest("POST", "", h.content_type, h.body)) for h in hooks]


def test_bulk_over_1000_messages_is_refused_with_400_and_nothing_counted(sim):
    body = {"messages": [{"destination": f"55119{i:08d}"} for i in range(1001)], "defaultValues": {"messageText": "hi"}}

    response = call(sim, "/v1/send-bulk-sms", body)

    assert response.status == 400
    assert "1000" in json.loads(response.body)["errorMessage"]
    assert sim.stats()["submissions"] == 0


def test_exactly_1000_is_accepted_and_counted(sim):
    body = {"messages": [{"destination": f"55119{i:08d}"} for i in range(1, 1001)], "defaultValues": {"messageText": "hi"}}

    started = time.perf_counter()
    response = call(sim, "/v1/send-bulk-sms", body)
    elapsed = time.perf_counter() - started

    reply = json.loads(response.body)
    assert response.status == 200 and len(reply["messages"]) == 1000
    assert sim.stats()["submissions"] == 1000 and sim.stats()["duplicates"] == {}
    assert elapsed < 1.0  # light handlers: the 100k benchmark goes through here


def test_every_accepted_message_gets_a_callback_then_a_delivery_report(backend, sim):
    results = backend.send_batch([sms(1, to="+5511900001111"), sms(2, to="+5511900002229")])

    hooks = sim.drain()
    kinds = [h.url.removeprefix(HOOK_BASE) for h in hooks]
    updates = [u for r in parsed(hooks, backend) for u in r.statuses]

    assert kinds == ["callback/", "callback/", "dlr/", "dlr/"]
    assert [(u.message_id, u.status) for u in updates] == [
        (1, MessageStatus.SENT),
        (2, MessageStatus.SENT),
        (1, MessageStatus.DELIVERED),
        (2, MessageStatus.UNDELIVERED),
    ]
    assert {u.provider_message_id for u in updates} == {r.provider_message_id for r in results}


@pytest.mark.parametrize(
    ("number", "status", "code"),
    [("+5511900003338", MessageStatus.EXPIRED, ErrorCode.EXPIRED), ("+5511900003337", MessageStatus.REJECTED, ErrorCode.REJECTED)],
)
def test_failures_at_the_carrier_get_a_callback_and_no_delivery_report(backend, sim, number, status, code):
    backend.send_batch([sms(5, to=number)])

    [hook] = sim.drain()
    [update] = parsed([hook], backend)[0].statuses

    assert (update.status, update.error.code) == (status, code)


def test_invalid_numbers_are_refused_at_submission(backend, sim):
    single = backend.send_batch([sms(1, to="+5511900000000")])
    bulk = {r.message_id: r for r in backend.send_batch([sms(2, to="+5511900010000"), sms(3, to="+5511900003333")])}

    assert single[0].status == MessageStatus.FAILED and single[0].error.code == ErrorCode.INVALID_NUMBER
    assert bulk[2].status == MessageStatus.FAILED and bulk[2].error.code == ErrorCode.INVALID_NUMBER
    assert bulk[3].status == MessageStatus.SUBMITTED
    assert sim.stats()["submissions"] == 1


def test_rate_limit_answers_429_with_retry_after(backend):
    sim = Simulator(hook_url, seed=1, delay=0, rate_limit=2)
    sim.clock = lambda: 1000.5  # one fixed second
    backend = make_backend(SimulatorTransport({"wavy": sim}))

    results = [backend.send_batch([sms(i, to=f"+551190000{i:04d}")])[0] for i in range(1, 4)]

    assert [r.status for r in results] == [MessageStatus.SUBMITTED, MessageStatus.SUBMITTED, MessageStatus.QUEUED]
    assert (results[2].error.code, results[2].error.retry_after) == (ErrorCode.RATE_LIMITED, 1.0)
    assert sim.stats()["submissions"] == 2


def test_bad_token_is_401_and_no_balance_is_403_no_credit(backend_for, sim):
    bad = backend_for(credentials={"username": "acme", "authenticationtoken": "bad"}).send_batch([sms(1)])
    broke = backend_for(credentials={"username": "acme", "authenticationtoken": "nobalance-1"}).send_batch([sms(2)])

    assert (bad[0].error.raw_code, bad[0].error.code, bad[0].error.error_class) == ("401", ErrorCode.AUTH_FAILED, ErrorClass.ACCOUNT)
    assert (broke[0].error.raw_code, broke[0].error.code) == ("201", ErrorCode.INSUFFICIENT_BALANCE)
    assert sim.stats()["submissions"] == 0


def test_missing_auth_headers_are_401(sim):
    assert (
        call(sim, "/v1/send-sms", {"destination": "5511900001111", "messageText": "x"}, headers={"content-type": "application/json"}).status
        == 401
    )


def test_unknown_path_is_404(sim):
    assert call(sim, "/v2/whatever", {}).status == 404


def test_send_sms_by_get_query_string(sim):
    request = SimRequest("GET", "/v1/send-sms", query={"destination": "5511900001111", "messageText": "hi"}, headers=HEADERS)

    response = sim.handle(request)

    assert response.status == 200 and json.loads(response.body)[0]["id"]


def test_status_search_answers_only_the_callers_messages(sim):
    reply = json.loads(call(sim, "/v1/send-sms", {"destination": "5511900001111", "messageText": "x", "correlationId": "9"}).body)
    other = {**HEADERS, "username": "acme-other"}
    sim.clock = iter(range(100, 200)).__next__  # a second apart: under the status query limit

    mine = json.loads(call(sim, "/v1/sms/status/search", {"ids": [reply[0]["id"]], "correlationIds": ["9"]}).body)["smsStatuses"]
    theirs = json.loads(call(sim, "/v1/sms/status/search", {"ids": [reply[0]["id"]], "correlationIds": ["9"]}, headers=other).body)
    theirs = theirs["smsStatuses"]

    assert len(mine) == 1 and mine[0]["deliveredStatusCode"] == 4
    assert theirs == []


def test_no_webhook_without_a_known_account_url(sim):
    headers = {**HEADERS, "username": "stranger"}
    call(sim, "/v1/send-sms", {"destination": "5511900001111", "messageText": "x"}, headers=headers)

    assert sim.drain() == []
    assert sim.stats()["submissions"] == 1


def test_batched_webhooks_are_lists_the_backend_reads(backend, sim):
    sim.webhook_batch = 1000
    backend.send_batch([sms(i, to=f"+55119000{i:05d}") for i in range(1, 6)])

    hooks = sim.drain()
    results = parsed(hooks, backend)

    assert len(hooks) == 2
    assert [len(r.statuses) for r in results] == [5, 5]


def test_mo_control_endpoint_pushes_an_mo(sim, backend):
    response = call(sim, "/_sim/mo", {"username": CREDENTIALS["username"], "source": "5511988887777", "messageText": "Hi"})

    [hook] = sim.drain()
    [item] = parsed([hook], backend)[0].inbound
    assert response.status == 200
    assert (item.from_number, item.text) == ("+5511988887777", "Hi")


def test_served_through_the_httpx_transport_under_the_slug(sim):
    client = httpx.Client(transport=SimulatorTransport({"wavy": sim}))
    response = client.post("http://127.0.0.1:8025/wavy/v1/carrier/lookup", json={"destinations": ["5511987654321"]}, headers=HEADERS)

    assert response.status_code == 200 and response.json()["destinations"][0]["active"] is True


def test_a_failing_webhook_resolver_leaves_nothing_accepted():
    def broken(slug: str, value: str, kind: str = "") -> str | None:
        raise RuntimeError("database unavailable")

    sim = Simulator(broken, seed=1, delay=0)

    with pytest.raises(RuntimeError):
        call(sim, "/v1/send-bulk-sms", {"messages": [{"destination": "5511900001111", "messageText": "x"}]})

    assert sim.stats()["submissions"] == 0
    assert sim.messages == {}
