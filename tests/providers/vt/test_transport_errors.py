"""HTTP statuses, transport failures and garbage replies become recorded errors, never exceptions."""

from __future__ import annotations

import httpx
import pytest

from providers.base import Channel, ErrorClass, ErrorCode, MessageStatus, OutboundMessage
from tests.providers.vt.conftest import make_backend

MESSAGE = OutboundMessage(9, "+923001234567", Channel.SMS, text="hi")


def send_with(handler) -> tuple:
    backend = make_backend(httpx.MockTransport(handler))
    return backend.send_one(MESSAGE), backend


def raising(exc_class):
    def handler(request):
        raise exc_class("boom", request=request)

    return handler


def test_read_timeout_after_sending_is_ambiguous_and_unknown():
    result, backend = send_with(raising(httpx.ReadTimeout))
    assert result.status == MessageStatus.UNKNOWN
    assert (result.error.code, result.error.error_class) == (ErrorCode.TIMEOUT, ErrorClass.AMBIGUOUS)
    assert backend.http.calls[0].error.startswith("ReadTimeout")


def test_connect_error_is_retryable_and_stays_queued():
    result, _ = send_with(raising(httpx.ConnectError))
    assert result.status == MessageStatus.QUEUED
    assert result.retryable and result.error.code == ErrorCode.NETWORK


def test_connection_dropped_mid_request_is_ambiguous():
    result, _ = send_with(raising(httpx.RemoteProtocolError))
    assert (result.status, result.error.error_class) == (MessageStatus.UNKNOWN, ErrorClass.AMBIGUOUS)


@pytest.mark.parametrize(
    "status, code, error_class, message_status",
    [
        (500, ErrorCode.PROVIDER_ERROR, ErrorClass.RETRYABLE, MessageStatus.QUEUED),
        (503, ErrorCode.PROVIDER_ERROR, ErrorClass.RETRYABLE, MessageStatus.QUEUED),
        (401, ErrorCode.AUTH_FAILED, ErrorClass.ACCOUNT, MessageStatus.FAILED),
        (403, ErrorCode.AUTH_FAILED, ErrorClass.ACCOUNT, MessageStatus.FAILED),
        (404, ErrorCode.BAD_REQUEST, ErrorClass.ACCOUNT, MessageStatus.FAILED),
        (400, ErrorCode.BAD_REQUEST, ErrorClass.PERMANENT, MessageStatus.FAILED),
    ],
)
def test_http_status_without_vt_body(status, code, error_class, message_status):
    result, _ = send_with(lambda request: httpx.Response(status, text="<html>oops</html>"))
    assert (result.error.code, result.error.error_class, result.status) == (code, error_class, message_status)
    assert result.error.raw_code == str(status)


def test_429_keeps_retry_after():
    result, _ = send_with(lambda request: httpx.Response(429, headers={"Retry-After": "3"}, text=""))
    assert (result.error.code, result.error.retry_after, result.status) == (ErrorCode.RATE_LIMITED, 3.0, MessageStatus.QUEUED)


def test_vt_error_body_wins_over_the_http_status():
    reply = {"STATUS": "ERROR", "ERROR_FILTER": "INVALID_NUMBER", "ERROR_CODE": "N1", "ERROR_DESCRIPTION": "bad"}
    result, _ = send_with(lambda request: httpx.Response(400, json=reply))
    assert (result.error.code, result.error.error_class) == (ErrorCode.INVALID_NUMBER, ErrorClass.PERMANENT)


@pytest.mark.parametrize("content", [b"OK", b"", b"<html></html>", b"[1, 2]", b'{"STATUS": "MAYBE"}', b"\xff\xfe"])
def test_garbage_200_reply_is_ambiguous_never_an_exception(content):
    result, _ = send_with(lambda request: httpx.Response(200, content=content))
    assert result.status == MessageStatus.UNKNOWN
    assert result.error.error_class == ErrorClass.AMBIGUOUS


def test_error_without_a_filter_is_a_recorded_permanent_error():
    result, _ = send_with(lambda request: httpx.Response(200, json={"STATUS": "ERROR"}))
    assert (result.status, result.error.code) == (MessageStatus.FAILED, ErrorCode.UNKNOWN)
    assert result.error.message
