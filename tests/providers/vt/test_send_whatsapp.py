"""WhatsApp through {whatsapp_base_url}/wa/v1/send_message, one test per message type."""

from __future__ import annotations

import json

import httpx
import pytest
import respx

from providers.base import Channel, ErrorClass, ErrorCode, MessageStatus, OutboundMessage
from tests.providers.vt.conftest import make_backend

WA_HOST = "http://wa.test"
WA_URL = f"{WA_HOST}/wa/v1/send_message"
REPLY = {"STATUS": "SUCCESSFUL", "MESSAGE_ID": "wamid-1", "ERROR_FILTER": "", "ERROR_CODE": ""}


def send(payload: dict, text: str = "", reply=None, status=200):
    router = respx.Router()
    route = router.post(WA_URL).mock(return_value=httpx.Response(status, json=reply or REPLY))
    backend = make_backend(httpx.MockTransport(router.handler), apikey="HASH", settings={"whatsapp_base_url": WA_HOST + "/"})
    result = backend.send_one(OutboundMessage(55, "+923001234567", Channel.WHATSAPP, text=text, payload=payload))
    body = json.loads(route.calls.last.request.content) if route.called else None
    return result, body


def test_template_message_shape():
    payload = {"type": "template", "template_id": "42", "variables": ["Ann", "A-17"], "media_urls": ["https://example.com/i.jpg"]}
    result, body = send({**payload, "priority": 1})
    assert body == {
        "hash": "HASH",
        "to": "923001234567",
        "type": "template",
        "message_ref": "55",
        "template_id": 42,
        "templateVariables": ["Ann", "A-17"],
        "mediaUrl": ["https://example.com/i.jpg"],
        "priority": 1,
    }
    assert (result.status, result.provider_message_id) == (MessageStatus.SUBMITTED, "wamid-1")


def test_template_without_media_sends_empty_lists():
    _, body = send({"type": "template", "template_id": 43})
    assert body["templateVariables"] == [] and body["mediaUrl"] == []


def test_text_message_shape():
    _, body = send({"type": "text"}, text="Hello there")
    assert body == {"hash": "HASH", "to": "923001234567", "type": "text", "message_ref": "55", "text": {"body": "Hello there"}}


@pytest.mark.parametrize("kind", ["image", "audio", "video"])
def test_media_message_by_id_or_link(kind):
    _, body = send({"type": kind, "media": {"id": "m-1", "link": "https://x.test/f", "caption": "look"}})
    assert body["type"] == kind
    assert body[kind] == {"id": "m-1", "link": "https://x.test/f", "caption": "look"}


def test_document_message_with_filename_and_text_as_caption():
    _, body = send({"type": "document", "media": {"link": "https://x.test/a.pdf", "filename": "a.pdf"}}, text="Your invoice")
    assert body["document"] == {"link": "https://x.test/a.pdf", "caption": "Your invoice", "filename": "a.pdf"}


@pytest.mark.parametrize(
    "payload, code",
    [
        ({"type": "template"}, ErrorCode.MEDIA_INVALID),
        ({"type": "image", "media": {"caption": "no id"}}, ErrorCode.MEDIA_INVALID),
        ({"type": "text"}, ErrorCode.CONTENT_INVALID),
        ({"type": "sticker"}, ErrorCode.BAD_REQUEST),
    ],
)
def test_incomplete_message_fails_without_a_request(payload, code):
    result, body = send(payload)
    assert body is None
    assert result.status == MessageStatus.FAILED
    assert result.error.code == code


def test_whatsapp_errors_are_classed_by_filter():
    result, _ = send({"type": "text"}, text="x", reply={"STATUS": "ERROR", "ERROR_FILTER": "User End Violation", "ERROR_CODE": "1"})
    assert (result.status, result.error.code, result.error.error_class) == (
        MessageStatus.FAILED,
        ErrorCode.BAD_REQUEST,
        ErrorClass.PERMANENT,
    )
    result, _ = send({"type": "text"}, text="x", reply={"STATUS": "ERROR", "ERROR_FILTER": "Technical Error"})
    assert result.error.error_class == ErrorClass.ACCOUNT


def test_hash_is_redacted_in_the_log():
    router = respx.Router()
    router.post(WA_URL).mock(return_value=httpx.Response(200, json=REPLY))
    backend = make_backend(httpx.MockTransport(router.handler), apikey="HASH", settings={"whatsapp_base_url": WA_HOST})
    backend.send_one(OutboundMessage(1, "+923001234567", Channel.WHATSAPP, text="x", payload={"type": "text"}))
    assert json.loads(backend.http.calls[0].request_body)["hash"] == "***"


@pytest.mark.parametrize(
    "base_url, settings, expected",
    [
        ("https://api.veevotech.com", {}, "https://wa-api.veevotech.com/wa/v1/send_message"),
        ("https://api.veevotech.com/", {"whatsapp_base_url": ""}, "https://wa-api.veevotech.com/wa/v1/send_message"),
        ("http://127.0.0.1:8025/vt", {}, "http://127.0.0.1:8025/vt/wa/v1/send_message"),
        ("https://api.veevotech.com", {"whatsapp_base_url": "http://127.0.0.1:8025/vt"}, "http://127.0.0.1:8025/vt/wa/v1/send_message"),
    ],
)
def test_whatsapp_host(base_url, settings, expected):
    backend = make_backend(httpx.MockTransport(lambda r: httpx.Response(500)), base_url=base_url, settings=settings)
    assert backend.whatsapp_url("/wa/v1/send_message") == expected
