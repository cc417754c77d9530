"""Voice OTP (/v3/sendsms with sender VT-vOTP) and voice calls (/v3/sendcall, CALL_ID)."""

from __future__ import annotations

import json

import httpx
import pytest
import respx

from providers.base import Channel, ErrorCode, MessageStatus, OutboundMessage
from tests.providers.vt.conftest import make_backend

SMS_URL = "http://sim.test/vt/v3/sendsms"
CALL_URL = "http://sim.test/vt/v3/sendcall"
CALL_REPLY = {
    "STATUS": "SUCCESSFUL",
    "CALL_ID": 83922,
    "COUNTRY_SUPPORTED": "TRUE",
    "COUNTRY_CODE": 92,
    "COUNTRY_ISO": "PK",
    "NETWORK_NAME": "Mobilink-PK",
    "RECEIVER_NUMBER": "+923001234567",
    "ERROR_FILTER": "",
    "ERROR_CODE": "",
    "ERROR_DESCRIPTION": "",
    "CHARGED_BALANCE": 0,
}


def routed(url: str, reply: dict):
    router = respx.Router()
    route = router.post(url).mock(return_value=httpx.Response(200, json=reply))
    return make_backend(httpx.MockTransport(router.handler), apikey="KEY"), route


def test_voice_otp_goes_to_sendsms_with_the_vt_votp_sender():
    backend, route = routed(SMS_URL, {"STATUS": "SUCCESSFUL", "MESSAGE_ID": "4d6a6b31", "NETWORK_NAME": "Mobilink-PK"})
    message = OutboundMessage(3, "+923001234567", Channel.VOICE, sender="ACME", text="Your verification code 1234", payload={"kind": "otp"})
    result = backend.send_one(message)
    body = json.loads(route.calls.last.request.content)
    assert body == {"apikey": "KEY", "receivernum": "+923001234567", "sendernum": "VT-vOTP", "textmessage": "Your verification code 1234"}
    assert (result.status, result.provider_message_id) == (MessageStatus.SUBMITTED, "4d6a6b31")


def test_call_sends_the_documented_fields_and_keeps_call_id():
    backend, route = routed(CALL_URL, CALL_REPLY)
    payload = {
        "kind": "call",
        "recording": "10001",
        "call_template": 2,
        "call_parameters": {"var1": "1234"},
        "max_voice_repeat": 2,
        "max_call_attempts": 3,
    }
    result = backend.send_one(OutboundMessage(4, "+923001234567", Channel.VOICE, payload=payload))
    body = json.loads(route.calls.last.request.content)
    assert body == {
        "apikey": "KEY",
        "receivernum": "+923001234567",
        "callerid": "Default",
        "recording": 10001,
        "max_voice_repeat": 2,
        "max_call_attempts": 3,
        "call_template": 2,
        "call_parameters": {"var1": "1234"},
    }
    assert result.status == MessageStatus.SUBMITTED
    assert result.provider_message_id == "83922"  # CALL_ID, the id the webhook will carry
    assert result.network == "Mobilink-PK"


def test_call_defaults_and_caller_id():
    backend, route = routed(CALL_URL, CALL_REPLY)
    backend.send_one(OutboundMessage(4, "+923001234567", Channel.VOICE, sender="0211234567", payload={"recording": 11384}))
    body = json.loads(route.calls.last.request.content)
    assert body["callerid"] == "0211234567"
    assert body["call_template"] == 2  # the basic call: play the recording
    assert "max_voice_repeat" not in body and "max_call_attempts" not in body and "call_parameters" not in body


def test_call_parameters_list_becomes_var1_to_varn():
    backend, route = routed(CALL_URL, CALL_REPLY)
    payload = {"recording": "11384", "call_template": 7, "call_parameters": ["12345", "9876"]}
    backend.send_one(OutboundMessage(4, "+923001234567", Channel.VOICE, payload=payload))
    body = json.loads(route.calls.last.request.content)
    assert body["call_parameters"] == {"var1": "12345", "var2": "9876"}
    assert body["call_template"] == 7


@pytest.mark.parametrize(
    "payload, code",
    [
        ({}, ErrorCode.MEDIA_INVALID),
        ({"recording": "11384", "call_template": "two"}, ErrorCode.BAD_REQUEST),
        ({"recording": "11384", "max_call_attempts": "many"}, ErrorCode.BAD_REQUEST),
        ({"recording": "11384", "call_parameters": "1234"}, ErrorCode.BAD_REQUEST),
    ],
)
def test_bad_call_payload_fails_without_calling_vt(payload, code):
    backend, route = routed(CALL_URL, CALL_REPLY)
    result = backend.send_one(OutboundMessage(4, "+923001234567", Channel.VOICE, payload=payload))
    assert result.status == MessageStatus.FAILED
    assert result.error.code == code
    assert not route.called


def test_call_reply_error_is_classed_by_filter():
    backend, _ = routed(CALL_URL, {"STATUS": "ERROR", "ERROR_FILTER": "VOICE_FILE_NOT_APPROVED", "ERROR_CODE": "V9"})
    result = backend.send_one(OutboundMessage(4, "+923001234567", Channel.VOICE, payload={"recording": "11384"}))
    assert result.status == MessageStatus.FAILED
    assert (result.error.code, result.error.raw_code) == (ErrorCode.MEDIA_INVALID, "VOICE_FILE_NOT_APPROVED")
