"""HTTP-level failures of a send: 429, 5xx, auth, bad requests and timeouts."""

from __future__ import annotations

import json

import httpx
import pytest

from providers.base import ErrorClass, ErrorCode, MessageStatus

from .conftest import sms


def test_429_is_retryable_with_the_retry_after_it_gave(respx_backend):
    backend, router = respx_backend
    router.post("/v1/send-bulk-sms").mock(return_value=httpx.Response(429, headers={"Retry-After": "7"}, json={"errorCode": 429}))

    results = backend.send_batch([sms(1), sms(2, to="+5511900002222")])

    for result in results:
        assert result.status == MessageStatus.QUEUED
        assert result.retryable
        assert result.error.code == ErrorCode.RATE_LIMITED
        assert result.error.retry_after == 7.0


def test_429_with_an_http_date_retry_after(respx_backend):
    backend, router = respx_backend
    router.post("/v1/send-sms").mock(return_value=httpx.Response(429, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}))

    [result] = backend.send_batch([sms(1)])

    assert result.retryable and result.error.retry_after == 0.0


@pytest.mark.parametrize("status", [500, 503, 502])
def test_server_errors_are_retryable(respx_backend, status):
    backend, router = respx_backend
    router.post("/v1/send-sms").mock(return_value=httpx.Response(status, text="oops"))

    [result] = backend.send_batch([sms(1)])

    assert result.status == MessageStatus.QUEUED
    assert result.error.error_class == ErrorClass.RETRYABLE
    assert result.error.code == ErrorCode.PROVIDER_ERROR


def test_gateway_timeout_is_ambiguous(respx_backend):
    backend, router = respx_backend
    router.post("/v1/send-sms").mock(return_value=httpx.Response(504))

    [result] = backend.send_batch([sms(1)])

    assert result.status == MessageStatus.UNKNOWN
    assert result.error.error_class == ErrorClass.AMBIGUOUS


@pytest.mark.parametrize("status", [401, 403])
def test_auth_failures_are_account_errors(respx_backend, status):
    backend, router = respx_backend
    router.post("/v1/send-sms").mock(return_value=httpx.Response(status, json={"errorCode": status, "errorMessage": "Unauthorized"}))

    [result] = backend.send_batch([sms(1)])

    assert result.status == MessageStatus.FAILED
    assert result.error.code == ErrorCode.AUTH_FAILED
    assert result.error.error_class == ErrorClass.ACCOUNT
    assert "Unauthorized" in result.error.message


def test_no_credit_refusal_is_an_account_balance_error(respx_backend):
    backend, router = respx_backend
    router.post("/v1/send-sms").mock(return_value=httpx.Response(403, json={"errorCode": 201, "errorMessage": "NO_CREDIT"}))

    [result] = backend.send_batch([sms(1)])

    assert result.error.code == ErrorCode.INSUFFICIENT_BALANCE
    assert result.error.error_class == ErrorClass.ACCOUNT


def test_bad_request_fails_permanently_with_the_reason(respx_backend):
    backend, router = respx_backend
    router.post("/v1/send-sms").mock(return_value=httpx.Response(400, json={"errorCode": 400, "errorMessage": "messageText is required"}))

    [result] = backend.send_batch([sms(1)])

    assert result.status == MessageStatus.FAILED
    assert result.error.code == ErrorCode.BAD_REQUEST
    assert result.error.error_class == ErrorClass.PERMANENT
    assert result.error.message == "messageText is required"


def test_a_timeout_after_sending_is_unknown_and_ambiguous(respx_backend):
    backend, router = respx_backend
    router.post("/v1/send-bulk-sms").mock(side_effect=httpx.ReadTimeout("read timed out"))

    results = backend.send_batch([sms(1), sms(2, to="+5511900002222")])

    assert {r.status for r in results} == {MessageStatus.UNKNOWN}
    assert {r.error.error_class for r in results} == {ErrorClass.AMBIGUOUS}
    assert {r.error.code for r in results} == {ErrorCode.TIMEOUT}


def test_a_refused_connection_is_retryable(respx_backend):
    backend, router = respx_backend
    router.post("/v1/send-sms").mock(side_effect=httpx.ConnectError("refused"))

    [result] = backend.send_batch([sms(1)])

    assert result.status == MessageStatus.QUEUED
    assert result.error.error_class == ErrorClass.RETRYABLE


def test_an_unreadable_success_reply_is_unknown(respx_backend):
    backend, router = respx_backend
    router.post("/v1/send-sms").mock(return_value=httpx.Response(200, text="<html>"))

    [result] = backend.send_batch([sms(1)])

    assert result.status == MessageStatus.UNKNOWN
    assert result.error.error_class == ErrorClass.AMBIGUOUS


def test_a_refused_bulk_is_resent_one_by_one_so_only_the_bad_message_fails(respx_backend):
    backend, router = respx_backend
    router.post("/v1/send-bulk-sms").mock(return_value=httpx.Response(400, json={"errorCode": 400, "errorMessage": "invalid field"}))

    def single(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        if body["correlationId"] == "2":
            return httpx.Response(400, json={"errorCode": 202, "errorMessage": "INVALID_DESTINATION_NUMBER"})
        return httpx.Response(200, json=[{"id": f"w{body['correlationId']}", "correlationId": body["correlationId"]}])

    singles = router.post("/v1/send-sms").mock(side_effect=single)

    results = {r.message_id: r for r in backend.send_batch([sms(1), sms(2, to="+5511900002222"), sms(3, to="+5511900003333")])}

    assert len(singles.calls) == 3
    assert results[1].status == results[3].status == MessageStatus.SUBMITTED
    assert results[2].status == MessageStatus.FAILED and results[2].error.code == ErrorCode.INVALID_NUMBER


def test_a_bulk_refused_for_every_message_stops_resending_early(respx_backend):
    backend, router = respx_backend
    refusal = httpx.Response(400, json={"errorCode": 400, "errorMessage": "subAccount not allowed"})
    router.post("/v1/send-bulk-sms").mock(return_value=refusal)
    singles = router.post("/v1/send-sms").mock(return_value=refusal)

    results = backend.send_batch([sms(i, to=f"+55119000{i:05d}") for i in range(1, 11)])

    assert len(singles.calls) == 3
    assert len(results) == 10
    assert {r.status for r in results} == {MessageStatus.FAILED}
    assert {r.error.message for r in results} == {"subAccount not allowed"}
