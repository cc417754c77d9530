"""The V-Appstore simulator on its own: paths, errors, counting and the webhooks it queues."""

from __future__ import annotations

import json

import pytest

from providers.simulator.base import SimRequest
from providers.vappstore.simulator import Simulator, ussd_answer
from tests.providers.vappstore.helpers import webhook_url

AUTH = {"applicationId": "APP_999999", "password": "password"}


def post(sim: Simulator, path: str, body: dict | bytes) -> tuple[int, dict]:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    response = sim.handle(SimRequest("POST", path, headers={"content-type": "application/json"}, body=raw))
    return response.status, json.loads(response.body)


def send(sim: Simulator, *numbers: str, **fields) -> dict:
    body = {"version": "1.0", **AUTH, "message": "Hi", "destinationAddresses": [f"tel:{n}" for n in numbers], "deliveryStatusRequest": "1"}
    return post(sim, "/sms/send", {**body, **fields})[1]


def test_sms_send_answers_per_destination(sim):
    reply = send(sim, "6792870941", "6792870000")
    assert (reply["statusCode"], reply["version"]) == ("S1000", "1.0")
    ok, bad = reply["destinationResponses"]
    assert (ok["address"], ok["statusCode"]) == ("tel:6792870941", "S1000")
    assert ok["requestId"]
    assert (bad["statusCode"], bad["requestId"]) == ("E1325", "")


def test_all_refused_is_an_error_at_the_top(sim):
    assert send(sim, "6792870000")["statusCode"] == "E1341"


@pytest.mark.parametrize(
    ("number", "word"),
    [
        ("6792870941", "DELIVERED"),
        ("6792870949", "UNDELIVERABLE"),
        ("6792870948", "EXPIRED"),
        ("6792870947", "REJECTED"),
        ("6792870919", "DELIVERED"),
    ],
)
def test_reports_follow_outcome_for(sim, number, word):
    reply = send(sim, number)
    [out] = sim.drain()
    report = json.loads(out.body)
    assert out.url == "http://portal.test/webhooks/vappstore/tok-APP_999999/report/"
    assert report["deliveryStatus"] == word
    assert report["requestId"] == reply["destinationResponses"][0]["requestId"]
    assert report["destinationAddress"] == f"tel:{number}"
    assert len(report["timeStamp"]) == 14


def test_no_report_unless_asked(sim):
    send(sim, "6792870941", deliveryStatusRequest="0")
    assert sim.drain() == []


def test_accepted_destinations_are_counted_once_each(sim):
    send(sim, "6792870941", "6792870942", "6792870000")
    assert sim.stats()["submissions"] == 2
    assert sim.stats()["duplicates"] == {}
    send(sim, "6792870941")
    assert sim.stats()["duplicates"] == {"+6792870941": 2}


@pytest.mark.parametrize(
    ("credentials", "code"),
    [
        ({"applicationId": "badapp", "password": "p"}, "E1313"),
        ({"applicationId": "APP_1", "password": "bad"}, "E1313"),
        ({"applicationId": "APP_1"}, "E1313"),
        ({"applicationId": "nobalance", "password": "p"}, "E1326"),
    ],
)
def test_credential_problems(credentials, code):
    sim = Simulator(webhook_url, delay=0)
    status, reply = post(sim, "/sms/send", {**credentials, "message": "Hi", "destinationAddresses": ["tel:6792870941"]})
    assert (status, reply["statusCode"]) == (200, code)
    assert sim.stats()["submissions"] == 0


@pytest.mark.parametrize(
    "fields",
    [
        {"message": ""},
        {"destinationAddresses": []},
        {"destinationAddresses": "tel:6792870941"},
        {"encoding": "8"},
        {"encoding": "245", "message": "not hex"},
    ],
)
def test_invalid_requests_get_e1312(sim, fields):
    assert send(sim, "6792870941", **fields)["statusCode"] == "E1312"


def test_too_long_message_gets_e1334(sim):
    assert send(sim, "6792870941", message="x" * 1601)["statusCode"] == "E1334"


def test_broken_json_unknown_path_and_method(sim):
    assert post(sim, "/sms/send", b"{nope")[0] == 400
    assert post(sim, "/sms/sendall", AUTH)[0] == 404
    response = sim.handle(SimRequest("GET", "/sms/send"))
    assert response.status == 405


def test_rate_limit_answers_429_with_e1318():
    sim = Simulator(webhook_url, delay=0, rate_limit=2)
    codes = [post(sim, "/sms/send", {**AUTH, "message": "Hi", "destinationAddresses": ["tel:6792870941"]}) for _ in range(3)]
    assert [c[0] for c in codes] == [200, 200, 429]
    assert codes[2][1]["statusCode"] == "E1318"
    response = sim.handle(SimRequest("POST", "/sms/send", body=json.dumps(AUTH).encode()))
    assert response.headers["Retry-After"] == "1"


def test_unknown_account_gets_no_webhook(sim):
    post(
        sim,
        "/sms/send",
        {
            "applicationId": "other",
            "password": "p",
            "message": "Hi",
            "destinationAddresses": ["tel:6792870941"],
            "deliveryStatusRequest": "1",
        },
    )
    assert sim.drain() == []


def test_demo_mo_sms(sim):
    status, reply = post(sim, "/_user/sms", {"applicationId": "APP_999999", "from": "+6792870941", "message": "STOP"})
    assert (status, reply["queued"]) == (200, True)
    [out] = sim.drain()
    body = json.loads(out.body)
    assert out.url.endswith("/receive/")
    assert (body["sourceAddress"], body["message"]) == ("tel:6792870941", "STOP")


def test_demo_helpers_need_an_app_and_a_number(sim):
    assert post(sim, "/_user/sms", {"from": "+6792870941"})[0] == 400
    assert post(sim, "/_user/ussd", {"applicationId": "APP_1", "from": "x"})[0] == 400


@pytest.mark.parametrize(
    ("menu", "number", "answer"),
    [
        ("1. A\n2. B\n3. C", "6792870940", "1"),
        ("1. A\n2. B\n3. C", "6792870941", "2"),
        ("1) A\n2) B", "6792870943", "2"),
        ("How old are you?", "6792870942", "42"),
    ],
)
def test_the_simulated_user_answers_from_the_menu(menu, number, answer):
    assert ussd_answer(menu, number) == answer


def test_reset_forgets_sessions_and_otps(sim):
    sim.sessions["s"] = "1"
    sim.otps["x"] = None
    sim.reset()
    assert sim.sessions == {} and sim.otps == {}
