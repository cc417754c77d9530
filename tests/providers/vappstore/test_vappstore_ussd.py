"""USSD menu steps: ussd/send with mt-init / mt-cont / mt-fin, and a whole menu session
against the simulator, whose "user" answers each screen with a ussd/receive mo-cont."""

from __future__ import annotations

import json

import pytest

from providers.base import ErrorCode, MessageStatus, WebhookRequest
from tests.providers.vappstore.helpers import Recorder, make_backend, sent_json, ussd

MENU = "1. Press One\n 2. Press two\n 3. Press three\n 4. Exit\n"


@pytest.fixture
def recorder(sim) -> Recorder:
    return Recorder({"vappstore": sim})


def answers(sim, backend) -> list:
    """The simulator's queued webhooks, parsed as the portal would."""
    items = []
    for out in sim.drain():
        kind = out.url.rstrip("/").rsplit("/", 1)[-1]
        items += backend.parse_webhook(WebhookRequest("POST", kind, out.content_type, out.body)).inbound
    return items


def test_init_request_matches_the_document(sim, recorder):
    result = make_backend(recorder).send_batch([ussd(41, "+6792870942", MENU, "init")])[0]
    body = sent_json(recorder.requests[0])
    assert recorder.requests[0].url.path == "/vappstore/ussd/send"
    assert body == {
        "version": "1.0",
        "applicationId": "APP_999999",
        "password": "password",
        "message": MENU,
        "sessionId": "41",
        "ussdOperation": "mt-init",
        "destinationAddress": "tel:6792870942",
        "encoding": "440",
    }
    assert result.status == MessageStatus.SUBMITTED
    assert result.extra["session_id"] == "41"
    assert result.provider_message_id


@pytest.mark.parametrize(("op", "sent"), [("cont", "mt-cont"), ("fin", "mt-fin"), ("mt-cont", "mt-cont")])
def test_cont_and_fin_use_the_given_session(sim, recorder, op, sent):
    backend = make_backend(recorder)
    backend.send_one(ussd(1, "+6792870942", MENU, "init", session_id="S-1"))
    result = backend.send_one(ussd(2, "+6792870942", "Thanks", op, session_id="S-1"))
    body = sent_json(recorder.requests[1])
    assert (body["ussdOperation"], body["sessionId"]) == (sent, "S-1")
    assert result.status == MessageStatus.SUBMITTED


def test_cont_without_session_fails_before_any_request(sim, recorder):
    result = make_backend(recorder).send_one(ussd(2, "+6792870942", "Next", "cont"))
    assert (result.status, result.error.code) == (MessageStatus.FAILED, ErrorCode.BAD_REQUEST)
    assert recorder.requests == []


def test_unknown_op_fails(backend):
    result = backend.send_one(ussd(2, "+6792870942", "Next", "restart", session_id="S"))
    assert result.error.code == ErrorCode.BAD_REQUEST


def test_cont_on_a_closed_session_is_refused_by_the_platform(backend):
    result = backend.send_one(ussd(2, "+6792870942", "Next", "cont", session_id="never-opened"))
    assert (result.status, result.error.raw_code) == (MessageStatus.FAILED, "E1312")


def test_invalid_number_is_refused(backend):
    result = backend.send_one(ussd(1, "+6792870000", MENU, "init"))
    assert (result.status, result.error.code) == (MessageStatus.FAILED, ErrorCode.INVALID_NUMBER)


def test_a_whole_menu_session(sim, backend):
    number = "+6792870942"  # last digit 2 -> the simulated user picks the third option
    first = backend.send_batch([ussd(10, number, MENU, "init")])[0]
    [answer] = answers(sim, backend)
    assert (answer.kind, answer.from_number, answer.ussd_op) == ("ussd", number, "mo-cont")
    assert answer.session_id == first.extra["session_id"]
    assert answer.text == "3"

    backend.send_one(ussd(11, number, "Your age?", "cont", session_id=answer.session_id))
    [second] = answers(sim, backend)
    assert (second.session_id, second.text) == (answer.session_id, "42")

    final = backend.send_one(ussd(12, number, "Thank you", "fin", session_id=answer.session_id))
    assert final.status == MessageStatus.SUBMITTED
    assert answers(sim, backend) == []
    assert answer.session_id not in sim.sessions


def test_user_of_an_expired_number_never_answers(sim, backend):
    backend.send_one(ussd(1, "+6792870948", MENU, "init"))
    assert answers(sim, backend) == []


def test_menu_campaign_sends_many_sessions_at_once(sim, backend):
    numbers = [f"+67928709{i:02d}" for i in range(20, 30)]
    results = backend.send_batch([ussd(i, n, MENU, "init") for i, n in enumerate(numbers, 100)])
    assert {r.status for r in results} == {MessageStatus.SUBMITTED}
    assert len({r.extra["session_id"] for r in results}) == len(numbers)
    assert {a.from_number for a in answers(sim, backend)} == set(numbers) - {"+6792870928"}
    assert sim.stats()["submissions"] == len(numbers)


def test_subscriber_dialling_the_service_starts_with_mo_init(sim, backend):
    response = make_backend(Recorder({"vappstore": sim})).http.post(
        "http://sim.test/vappstore/_user/ussd", json={"applicationId": "APP_999999", "from": "+6792870942"}
    )
    session = response.json()["sessionId"]
    [dial] = answers(sim, backend)
    assert (dial.ussd_op, dial.session_id, dial.text) == ("mo-init", session, "*141#")
    reply = backend.send_one(ussd(1, "+6792870942", MENU, "cont", session_id=session))
    assert reply.status == MessageStatus.SUBMITTED
    assert json.loads(sim.outbox[0].body)["ussdOperation"] == "mo-cont"


def test_a_one_screen_push_is_fin_on_a_new_session(sim, backend):
    result = backend.send_one(ussd(1, "+6792870942", "Your code is 1234", "fin", session_id="push-1"))
    assert result.status == MessageStatus.SUBMITTED
    assert answers(sim, backend) == []
    assert sim.stats()["submissions"] == 1
