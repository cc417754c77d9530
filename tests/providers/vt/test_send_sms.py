"""SMS through /v3/sendsms: the request we send and how the reply is read."""

from __future__ import annotations

import json
from decimal import Decimal

import httpx
import respx

from providers.base import Capability, Channel, MessageStatus, OutboundMessage
from providers.vt.backend import VTBackend
from tests.providers.vt.conftest import make_backend

SEND_URL = "http://sim.test/vt/v3/sendsms"
# The document's sample reply.
SAMPLE_REPLY = {
    "STATUS": "SUCCESSFUL",
    "MESSAGE_ID": "4d6a6b31",
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


def send(message: OutboundMessage, reply=None, **backend_kw):
    router = respx.Router(assert_all_called=True)
    route = router.post(SEND_URL).mock(return_value=httpx.Response(200, json=reply or SAMPLE_REPLY))
    backend = make_backend(httpx.MockTransport(router.handler), apikey="KEY123", **backend_kw)
    result = backend.send_one(message)
    return result, json.loads(route.calls.last.request.content), backend


def test_sms_is_a_json_post_with_the_documented_fields():
    result, body, _ = send(OutboundMessage(7, "+923001234567", Channel.SMS, sender="ACME", text="Hello, this is test SMS"))
    assert body == {"apikey": "KEY123", "receivernum": "+923001234567", "sendernum": "ACME", "textmessage": "Hello, this is test SMS"}
    assert result.message_id == 7


def test_the_documented_reply_is_submitted_with_its_id_and_network():
    result, _, _ = send(OutboundMessage(7, "+923001234567", Channel.SMS, text="hi"))
    assert result.status == MessageStatus.SUBMITTED
    assert result.provider_message_id == "4d6a6b31"
    assert result.network == "Mobilink-PK"
    assert result.error is None
    assert result.cost is None  # CHARGED_BALANCE 0: "activated in future"
    assert result.extra == {"country_iso": "PK", "country_code": 92}


def test_charged_balance_becomes_the_cost_once_vt_sends_it():
    result, _, _ = send(OutboundMessage(1, "+923001234567", Channel.SMS, text="hi"), reply={**SAMPLE_REPLY, "CHARGED_BALANCE": "0.85"})
    assert result.cost == Decimal("0.85")


def test_no_sender_uses_the_documented_default():
    _, body, _ = send(OutboundMessage(1, "+923001234567", Channel.SMS, text="hi"))
    assert body["sendernum"] == "Default"


def test_unicode_text_is_sent_as_is():
    _, body, _ = send(OutboundMessage(1, "+923001234567", Channel.SMS, text="سلام 👋", encoding="ucs2", segments=1))
    assert body["textmessage"] == "سلام 👋"


def test_header_id_is_passed_when_given():
    _, body, _ = send(OutboundMessage(1, "+923001234567", Channel.SMS, text="hi", payload={"header": "H-77"}))
    assert body["header"] == "H-77"


def test_empty_text_fails_without_calling_vt():
    router = respx.Router()
    route = router.post(SEND_URL).mock(return_value=httpx.Response(200, json=SAMPLE_REPLY))
    result = make_backend(httpx.MockTransport(router.handler)).send_one(OutboundMessage(1, "+923001234567", Channel.SMS, text=""))
    assert result.status == MessageStatus.FAILED
    assert result.error.code == "content_invalid"
    assert not route.called


def test_flash_is_refused_rather_than_sent_as_a_normal_sms():
    router = respx.Router()
    route = router.post(SEND_URL).mock(return_value=httpx.Response(200, json=SAMPLE_REPLY))
    message = OutboundMessage(1, "+923001234567", Channel.SMS, text="hi", flash=True)
    result = make_backend(httpx.MockTransport(router.handler)).send_one(message)
    assert (result.status, result.error.code) == (MessageStatus.FAILED, "bad_request")
    assert "flash" in result.error.message
    assert not route.called


def test_unoffered_channel_is_a_recorded_failure():
    result = make_backend(httpx.MockTransport(lambda r: httpx.Response(500))).send_one(OutboundMessage(1, "+923001234567", Channel.USSD))
    assert (result.status, result.error.code) == (MessageStatus.FAILED, "bad_request")


def test_the_key_is_redacted_in_the_http_log():
    _, _, backend = send(OutboundMessage(1, "+923001234567", Channel.SMS, text="hi"))
    (call,) = backend.http.calls
    assert "KEY123" not in call.request_body
    assert json.loads(call.request_body)["apikey"] == "***"
    assert call.status_code == 200


def test_a_batch_sends_one_request_per_message():
    router = respx.Router()
    route = router.post(SEND_URL).mock(return_value=httpx.Response(200, json=SAMPLE_REPLY))
    backend = make_backend(httpx.MockTransport(router.handler))
    messages = [OutboundMessage(i, f"+92300123456{i}", Channel.SMS, text=f"m{i}") for i in range(5)]
    results = backend.send_batch(messages)
    assert sorted(r.message_id for r in results) == [0, 1, 2, 3, 4]
    assert route.call_count == 5
    sent_to = sorted(json.loads(c.request.content)["receivernum"] for c in route.calls)
    assert sent_to == [m.to for m in messages]


def test_declared_capabilities_and_settings():
    assert VTBackend.slug == "vt"
    assert VTBackend.default_base_url == "https://api.veevotech.com"
    assert [f.name for f in VTBackend.credential_fields] == ["apikey"]
    assert VTBackend.credential_fields[0].secret
    assert [f.name for f in VTBackend.setting_fields] == ["whatsapp_base_url"]
    assert VTBackend.setting_fields[0].default == ""  # empty: wa-api.veevotech.com, see test_whatsapp_host
    assert VTBackend.supports(Capability.VOICE_CALL) and VTBackend.supports(Capability.WHATSAPP_MEDIA)
    for missing in (Capability.SMS_FLASH, Capability.USSD, Capability.STATUS_QUERY, Capability.BALANCE):
        assert not VTBackend.supports(missing)
    assert VTBackend.redact_keys == {"apikey", "hash"}
    assert "flash" in VTBackend.notes and "balance" in VTBackend.notes
    assert VTBackend.channels() == [Channel.SMS, Channel.VOICE, Channel.WHATSAPP]
