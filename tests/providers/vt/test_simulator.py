"""The VT simulator answers like the API and reports back in VT's webhook format."""

from __future__ import annotations

import json

import pytest

from providers.base import Channel, ErrorClass, ErrorCode, MessageStatus, OutboundMessage
from providers.simulator.base import SimRequest
from providers.vt.simulator import Simulator
from tests.providers.vt.conftest import WEBHOOK_URL, webhook_request

S = MessageStatus


def sms(to: str, text: str = "hello", **kw) -> OutboundMessage:
    return OutboundMessage(kw.pop("id", 1), to, Channel.SMS, text=text, **kw)


def hooks(sim: Simulator) -> list[dict]:
    out = sim.drain()
    assert all(h.url == WEBHOOK_URL and h.content_type == "application/json" and h.method == "POST" for h in out)
    return [json.loads(h.body) for h in out]


def sim_call(sim: Simulator, method: str, path: str, *, query=None, body=None) -> tuple[int, dict]:
    raw = json.dumps(body).encode() if body is not None else b""
    headers = {"content-type": "application/json"} if body is not None else {}
    response = sim.handle(SimRequest(method, path, query=query or {}, headers=headers, body=raw))
    return response.status, json.loads(response.body)


def test_sms_is_accepted_counted_and_reported(vt_sim, sim_backend):
    result = sim_backend(apikey="k1").send_one(sms("+923001234561"))
    assert (result.status, result.network) == (S.SUBMITTED, "Jazz-PK")
    assert vt_sim.submissions["+923001234561"] == 1
    (event,) = hooks(vt_sim)
    assert event["MESSAGE_ID"] == result.provider_message_id
    assert (event["MEDIUM"], event["DELIVERY_STATUS"], event["RECEIPENT"], event["SENDER_ID"]) == (
        "SMS",
        "DELIVRD",
        "+923001234561",
        "Default",
    )
    assert set(event) >= {"ACCOUNT_ID", "BILLING_ID", "TIME", "DLR_SMS"}
    assert len(event["TIME"]) == 12 and event["TIME"].isdigit()
    assert "stat:DELIVRD" in event["DLR_SMS"]


@pytest.mark.parametrize(
    "to, word, status",
    [
        ("+923001234562", "DELIVRD", S.DELIVERED),
        ("+923001234519", "DELIVRD", S.DELIVERED),  # second-last digit 1 always delivers
        ("+923001234569", "UNDELIV", S.UNDELIVERED),
        ("+923001234568", "EXPIRED", S.EXPIRED),
        ("+923001234567", "REJECTD", S.REJECTED),
    ],
)
def test_report_per_outcome_round_trips_through_the_parser(vt_sim, sim_backend, to, word, status):
    backend = sim_backend()
    result = backend.send_one(sms(to))
    (hook,) = vt_sim.drain()
    assert json.loads(hook.body)["DELIVERY_STATUS"] == word
    (update,) = backend.parse_webhook(webhook_request(hook.body)).statuses
    assert (update.status, update.provider_message_id) == (status, result.provider_message_id)


@pytest.mark.parametrize(
    "apikey, message, label, error_class",
    [
        ("bad-key", sms("+923001234562"), "INVALID_API_KEY", ErrorClass.ACCOUNT),
        ("nobalance-1", sms("+923001234562"), "LOW_BALANCE", ErrorClass.ACCOUNT),
        ("k", sms("+923001230000"), "INVALID_NUMBER", ErrorClass.PERMANENT),
        ("k", sms("923001234562"), "INVALID_NUMBER", ErrorClass.PERMANENT),
        ("k", sms("+92300"), "INVALID_NUMBER", ErrorClass.PERMANENT),
        ("k", sms("+923001234562", "x" * 801), "CONTENT_TOO_LONG", ErrorClass.PERMANENT),
        ("k", sms("+923001234562", "   "), "SMS_TEXT_MISSING", ErrorClass.PERMANENT),
        ("k", sms(""), "RECEIVER_NUMBER_MISSING", ErrorClass.PERMANENT),
    ],
)
def test_sms_errors(vt_sim, sim_backend, apikey, message, label, error_class):
    result = sim_backend(apikey=apikey).send_one(message)
    assert result.status == S.FAILED
    assert (result.error.raw_code, result.error.error_class) == (label, error_class)
    assert not vt_sim.submissions and not vt_sim.drain()


def test_800_characters_are_accepted(vt_sim, sim_backend):
    assert sim_backend().send_one(sms("+923001234562", "x" * 800)).status == S.SUBMITTED


def test_get_request_with_hash_as_in_the_document(vt_sim):
    # The document's GET sample leaves "+" unencoded, so it arrives as a space.
    query = {"hash": "k", "receivernum": " 923001234562", "sendernum": "Default", "textmessage": "HelloWorld"}
    status, reply = sim_call(vt_sim, "GET", "/v3/sendsms", query=query)
    assert (status, reply["STATUS"], reply["RECEIVER_NUMBER"], reply["COUNTRY_ISO"]) == (200, "SUCCESSFUL", "+923001234562", "PK")
    assert reply["MESSAGE_ID"] and reply["ERROR_FILTER"] == ""
    assert vt_sim.submissions["+923001234562"] == 1


def test_voice_otp_is_reported_as_an_answered_or_unanswered_call(vt_sim, sim_backend):
    backend = sim_backend()
    for to in ("+923001234562", "+923001234569"):
        backend.send_one(OutboundMessage(2, to, Channel.VOICE, text="Your code 1234", payload={"kind": "otp"}))
    answered, unanswered = hooks(vt_sim)
    assert (answered["MEDIUM"], answered["SENDER_ID"], answered["CALL_STATUS"], answered["DELIVERY_STATUS"]) == (
        "VOICE",
        "VT-vOTP",
        "ANSWERED",
        "DELIVRD",
    )
    assert (unanswered["CALL_STATUS"], unanswered["DELIVERY_STATUS"]) == ("UNANSWERED", "UNDELIV")
    statuses = [backend.parse_webhook(webhook_request(json.dumps(e))).statuses[0].status for e in (answered, unanswered)]
    assert statuses == [S.DELIVERED, S.UNDELIVERED]


def test_basic_call_is_answered_without_key_press(vt_sim, sim_backend):
    backend = sim_backend()
    result = backend.send_one(OutboundMessage(3, "+923001234562", Channel.VOICE, payload={"recording": "10001", "call_template": 2}))
    assert result.status == S.SUBMITTED and result.provider_message_id.isdigit()
    (event,) = hooks(vt_sim)
    assert (event["MEDIUM"], event["CALL_STATUS"], str(event["CALL_ID"])) == ("VOICE", "ANSWERED", result.provider_message_id)
    (update,) = backend.parse_webhook(webhook_request(json.dumps(event))).statuses
    assert (update.provider_message_id, update.status, update.call_outcome) == (result.provider_message_id, S.DELIVERED, "answered")


def test_call_flow_reports_the_key_pressed(vt_sim, sim_backend):
    backend = sim_backend()
    payload = {"recording": "10001", "call_template": 5, "call_parameters": {"var1": "1"}}
    result = backend.send_one(OutboundMessage(3, "+923001234563", Channel.VOICE, payload=payload))
    answered, pressed = hooks(vt_sim)
    assert answered["CALL_STATUS"] == "ANSWERED"
    assert (pressed["CALL_STATUS"], pressed["CALL_DTMF"], str(pressed["CALL_ID"])) == ("KEY_PRESSED", "3", result.provider_message_id)
    (update,) = backend.parse_webhook(webhook_request(json.dumps(pressed))).statuses
    assert (update.dtmf, update.provider_message_id) == ("3", result.provider_message_id)


@pytest.mark.parametrize("to, word", [("+923001234569", "BUSY"), ("+923001234568", "UNANSWERED"), ("+923001234567", "REJECTED")])
def test_unanswered_calls(vt_sim, sim_backend, to, word):
    backend = sim_backend()
    backend.send_one(OutboundMessage(3, to, Channel.VOICE, payload={"recording": "10001", "call_template": 5}))
    (event,) = hooks(vt_sim)
    assert event["CALL_STATUS"] == word
    (update,) = backend.parse_webhook(webhook_request(json.dumps(event))).statuses
    assert (update.status, update.error.code) == (S.UNDELIVERED, ErrorCode.NO_ANSWER)


@pytest.mark.parametrize("recording", ["0", "abc"])
def test_unknown_recording(vt_sim, sim_backend, recording):
    result = sim_backend().send_one(OutboundMessage(3, "+923001234562", Channel.VOICE, payload={"recording": recording}))
    assert (result.status, result.error.raw_code) == (S.FAILED, "VOICE_FILE_NOT_FOUND")
    assert not vt_sim.submissions


def test_bad_caller_id(vt_sim, sim_backend):
    result = sim_backend().send_one(OutboundMessage(3, "+923001234562", Channel.VOICE, sender="ACME!", payload={"recording": "1"}))
    assert result.error.raw_code == "INVALID_VOICE_CALLER_ID"


def test_call_errors_for_key_and_number(vt_sim, sim_backend):
    call = OutboundMessage(3, "+923001230000", Channel.VOICE, payload={"recording": "10001"})
    assert sim_backend(apikey="bad").send_one(call).error.raw_code == "INVALID_API_KEY"
    assert sim_backend().send_one(call).error.raw_code == "INVALID_NUMBER"


@pytest.mark.parametrize(
    "payload, text",
    [
        ({"type": "template", "template_id": 42, "variables": ["Ann", "A-1"]}, ""),
        ({"type": "text"}, "Hello"),
        ({"type": "image", "media": {"link": "https://x.test/i.jpg"}}, "caption"),
        ({"type": "document", "media": {"id": "m-1", "filename": "a.pdf"}}, ""),
    ],
)
def test_whatsapp_types_are_accepted_and_reported(vt_sim, sim_backend, payload, text):
    backend = sim_backend()  # no whatsapp_base_url: a non-VT base URL serves both hosts
    result = backend.send_one(OutboundMessage(8, "+923001234562", Channel.WHATSAPP, text=text, payload=payload))
    assert result.status == S.SUBMITTED
    assert vt_sim.submissions["+923001234562"] == 1
    (event,) = hooks(vt_sim)
    assert (event["MEDIUM"], event["DELIVERY_STATUS"], event["MESSAGE_ID"]) == ("WHATSAPP", "DELIVRD", result.provider_message_id)


def test_whatsapp_errors(vt_sim, sim_backend):
    text = OutboundMessage(8, "+923001234562", Channel.WHATSAPP, text="hi", payload={"type": "text"})
    assert sim_backend(apikey="bad").send_one(text).error.raw_code == "Technical Error"
    assert sim_backend(apikey="nobalance").send_one(text).error.raw_code == "LOW_BALANCE"
    invalid = OutboundMessage(8, "+923001230000", Channel.WHATSAPP, text="hi", payload={"type": "text"})
    assert sim_backend().send_one(invalid).error.raw_code == "INVALID_NUMBER"
    status, reply = sim_call(vt_sim, "POST", "/wa/v1/send_message", body={"hash": "k", "to": "923001234562", "type": "image", "image": {}})
    assert (status, reply["STATUS"], reply["ERROR_FILTER"]) == (200, "ERROR", "User End Violation")
    assert not vt_sim.submissions


def test_media_upload_and_template_sync(vt_sim, sim_backend):
    backend = sim_backend()
    assert backend.upload_media("https://cdn.test/a.jpg", "image/jpeg").startswith("media")
    templates = backend.sync_templates()
    assert [t.provider_template_id for t in templates] == ["42", "43"]
    assert templates[1].media and templates[0].variables == ["1", "2"]
    assert backend.test_connection().ok
    assert not sim_backend(apikey="bad").test_connection().ok


def test_media_upload_refuses_unknown_mime_type(vt_sim):
    status, reply = sim_call(vt_sim, "POST", "/wa/media", body={"hash": "k", "url": "https://x/a.exe", "mimeType": "application/x-dos"})
    assert (status, reply["STATUS"], reply["ERROR_FILTER"]) == (200, "ERROR", "User End Violation")


def test_rate_limit_answers_429(vt_sim, sim_backend):
    vt_sim.rate_limit = 2
    backend = sim_backend()
    results = [backend.send_one(sms("+923001234562", id=i)) for i in range(6)]
    limited = [r for r in results if r.error is not None]
    assert limited, "more than two requests within a second are refused"
    assert all(r.error.code == ErrorCode.RATE_LIMITED and r.status == S.QUEUED for r in limited)
    assert limited[0].error.retry_after == 1.0
    assert vt_sim.submissions["+923001234562"] == 6 - len(limited)


def test_unknown_path_and_method(vt_sim):
    assert sim_call(vt_sim, "GET", "/v4/nothing")[0] == 404
    assert sim_call(vt_sim, "DELETE", "/v3/sendsms")[0] == 405


def test_no_webhook_url_means_no_report():
    sim = Simulator(lambda slug, value, kind: None, delay=0)
    status, reply = sim_call(sim, "POST", "/v3/sendsms", body={"apikey": "k", "receivernum": "+923001234562", "textmessage": "x"})
    assert (status, reply["STATUS"]) == (200, "SUCCESSFUL")
    assert sim.drain() == [] and sim.stats()["submissions"] == 1
