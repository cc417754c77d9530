"""Template sync (/wa/sync), media upload (/wa/media) and the connection check."""

from __future__ import annotations

import json

import httpx
import pytest
import respx

from providers.base import Channel, ErrorClass, ErrorCode, ProviderException
from tests.providers.vt.conftest import make_backend

WA = "http://wa.test"


def routed(method: str, path: str, response: httpx.Response | Exception):
    router = respx.Router()
    route = router.route(method=method, url=WA + path)
    if isinstance(response, Exception):
        route.mock(side_effect=response)
    else:
        route.mock(return_value=response)
    backend = make_backend(httpx.MockTransport(router.handler), apikey="HASH", settings={"whatsapp_base_url": WA})
    return backend, route


def test_sync_sends_the_hash_and_reads_templates():
    reply = {"STATUS": "SUCCESSFUL", "TEMPLATES": [{"id": 42, "name": "order_update", "language": "en", "body": "Hi {{1}}, {{2}}"}]}
    backend, route = routed("GET", "/wa/sync", httpx.Response(200, json=reply))
    (template,) = backend.sync_templates()
    assert route.calls.last.request.url.params["hash"] == "HASH"
    assert (template.provider_template_id, template.name, template.channel) == ("42", "order_update", Channel.WHATSAPP)
    assert (template.body, template.variables, template.language, template.media) == ("Hi {{1}}, {{2}}", ["1", "2"], "en", False)


def test_sync_accepts_a_bare_list_and_meta_style_components():
    reply = [
        {
            "template_id": "7",
            "template_name": "promo",
            "language": {"code": "ur"},
            "status": "APPROVED",
            "category": "MARKETING",
            "components": [{"type": "HEADER", "format": "IMAGE"}, {"type": "BODY", "text": "Sale {{name}}"}],
        },
        {"name": "no id: skipped"},
        "not an object",
    ]
    backend, _ = routed("GET", "/wa/sync", httpx.Response(200, json=reply))
    (template,) = backend.sync_templates()
    assert (template.provider_template_id, template.name, template.language) == ("7", "promo", "ur")
    assert (template.body, template.variables, template.media) == ("Sale {{name}}", ["name"], True)
    assert (template.status, template.category) == ("approved", "marketing")


def test_sync_with_explicit_variables_and_data_key():
    reply = {"data": [{"ID": 9, "elementName": "otp", "text": "Code {{1}}", "templateVariables": ["code"], "mediaUrl": "https://x/i.png"}]}
    backend, _ = routed("GET", "/wa/sync", httpx.Response(200, json=reply))
    (template,) = backend.sync_templates()
    assert (template.provider_template_id, template.name, template.variables, template.media) == ("9", "otp", ["code"], True)


def test_sync_error_raises_a_classed_exception():
    backend, _ = routed("GET", "/wa/sync", httpx.Response(200, json={"STATUS": "ERROR", "ERROR_FILTER": "Technical Error"}))
    with pytest.raises(ProviderException) as caught:
        backend.sync_templates()
    assert caught.value.error.error_class == ErrorClass.ACCOUNT


def test_sync_transport_failure_raises():
    backend, _ = routed("GET", "/wa/sync", httpx.ConnectError("down"))
    with pytest.raises(ProviderException) as caught:
        backend.sync_templates()
    assert caught.value.error.code == ErrorCode.NETWORK


def test_sync_non_json_raises():
    backend, _ = routed("GET", "/wa/sync", httpx.Response(200, text="<html>"))
    with pytest.raises(ProviderException):
        backend.sync_templates()


def test_upload_media_posts_url_and_mime_type():
    backend, route = routed("POST", "/wa/media", httpx.Response(200, json={"STATUS": "SUCCESSFUL", "MEDIA_ID": "m-77"}))
    assert backend.upload_media("https://cdn.test/a.jpg", "image/jpeg") == "m-77"
    assert json.loads(route.calls.last.request.content) == {"hash": "HASH", "url": "https://cdn.test/a.jpg", "mimeType": "image/jpeg"}


@pytest.mark.parametrize("reply", [{"id": "m-1"}, {"data": {"id": "m-1"}}, {"STATUS": "SUCCESSFUL", "media": [{"media_id": "m-1"}]}])
def test_upload_media_reply_shapes(reply):
    backend, _ = routed("POST", "/wa/media", httpx.Response(200, json=reply))
    assert backend.upload_media("https://cdn.test/a.jpg", "image/jpeg") == "m-1"


def test_upload_media_without_id_or_with_error_raises():
    backend, _ = routed("POST", "/wa/media", httpx.Response(200, json={"STATUS": "SUCCESSFUL"}))
    with pytest.raises(ProviderException):
        backend.upload_media("https://cdn.test/a.jpg", "image/jpeg")
    backend, _ = routed("POST", "/wa/media", httpx.Response(200, json={"STATUS": "ERROR", "ERROR_FILTER": "User End Violation"}))
    with pytest.raises(ProviderException) as caught:
        backend.upload_media("ftp://x", "image/jpeg")
    assert caught.value.error.code == ErrorCode.BAD_REQUEST


def test_connection_check_ok_when_sync_answers():
    backend, _ = routed("GET", "/wa/sync", httpx.Response(200, json={"STATUS": "SUCCESSFUL", "TEMPLATES": []}))
    check = backend.test_connection()
    assert check.ok and "no balance endpoint" in check.message
    assert check.balance is None


def test_connection_check_fails_on_a_refused_key():
    backend, _ = routed("GET", "/wa/sync", httpx.Response(200, json={"STATUS": "ERROR", "ERROR_FILTER": "INVALID_API_KEY"}))
    check = backend.test_connection()
    assert not check.ok and "refused" in check.message


def test_connection_check_fails_when_unreachable():
    backend, _ = routed("GET", "/wa/sync", httpx.ConnectError("down"))
    assert not backend.test_connection().ok


def test_connection_check_fails_on_a_server_error():
    backend, _ = routed("GET", "/wa/sync", httpx.Response(500, text="oops"))
    check = backend.test_connection()
    assert not check.ok and "could not answer" in check.message


def test_connection_check_fails_on_a_page_that_is_not_vt():
    backend, _ = routed("GET", "/wa/sync", httpx.Response(200, text="<html>Welcome to nginx</html>"))
    check = backend.test_connection()
    assert not check.ok and "not VT's JSON" in check.message


def test_connection_check_says_not_checkable_otherwise():
    # e.g. an account without WhatsApp: the key may well be fine for SMS.
    backend, _ = routed("GET", "/wa/sync", httpx.Response(200, json={"STATUS": "ERROR", "ERROR_FILTER": "User End Violation"}))
    check = backend.test_connection()
    assert check.ok and check.message.startswith("Not checkable")
