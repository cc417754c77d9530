"""The requests we send to Wavy: shapes from the document's send-sms and send-bulk-sms samples."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import httpx

from providers.base import ErrorClass, ErrorCode, MessageStatus
from providers.wavy.backend import WavyBackend

from .conftest import CREDENTIALS, sms


def _bodies(route) -> list[dict]:
    return [json.loads(call.request.content) for call in route.calls]


def test_single_message_posts_the_documented_send_sms_body_and_headers(respx_backend):
    backend, router = respx_backend
    route = router.post("/v1/send-sms").mock(
        return_value=httpx.Response(200, json=[{"id": "9cb87d36-79af-11e5-89f3-1b0591cdf807", "correlationId": "41"}])
    )

    [result] = backend.send_batch([sms(41, to="+5511900000000", text="linha\nquebrada")])

    request = route.calls.last.request
    assert request.headers["username"] == CREDENTIALS["username"]
    assert request.headers["authenticationtoken"] == CREDENTIALS["authenticationtoken"]
    assert request.headers["content-type"] == "application/json"
    assert json.loads(request.content) == {"destination": "5511900000000", "messageText": "linha\nquebrada", "correlationId": "41"}
    assert result.status == MessageStatus.SUBMITTED
    assert result.provider_message_id == "9cb87d36-79af-11e5-89f3-1b0591cdf807"


def test_bulk_puts_shared_fields_in_default_values_and_keeps_each_text(respx_backend):
    backend, router = respx_backend
    route = router.post("/v1/send-bulk-sms").mock(
        return_value=httpx.Response(200, json={"id": "b", "messages": [{"id": "1"}, {"id": "2"}]})
    )

    backend.send_batch(
        [sms(1, to="+5519900001111", text="First message", flash=True), sms(2, to="+5519900002222", text="Other", flash=True)]
    )

    assert _bodies(route) == [
        {
            "messages": [
                {"destination": "5519900001111", "messageText": "First message", "correlationId": "1"},
                {"destination": "5519900002222", "messageText": "Other", "correlationId": "2"},
            ],
            "defaultValues": {"flashSMS": True},
        }
    ]


def test_bulk_with_one_text_sends_it_once_in_default_values(respx_backend):
    backend, router = respx_backend
    route = router.post("/v1/send-bulk-sms").mock(
        return_value=httpx.Response(200, json={"id": "b", "messages": [{"id": "1"}, {"id": "2"}]})
    )
    backend.config.settings["subAccount"] = "iFoodMarketing"

    backend.send_batch([sms(1, to="+5519900001111", text="Default message"), sms(2, to="+5519900002222", text="Default message")])

    [body] = _bodies(route)
    assert body["defaultValues"] == {"messageText": "Default message", "subAccount": "iFoodMarketing"}
    assert body["messages"] == [
        {"destination": "5519900001111", "correlationId": "1"},
        {"destination": "5519900002222", "correlationId": "2"},
    ]


def test_batches_are_split_at_the_documented_1000_message_limit(respx_backend):
    backend, router = respx_backend

    def reply(request: httpx.Request) -> httpx.Response:
        items = json.loads(request.content)["messages"]
        return httpx.Response(200, json={"id": "batch", "messages": [{"id": f"w{m['correlationId']}"} for m in items]})

    route = router.post("/v1/send-bulk-sms").mock(side_effect=reply)
    messages = [sms(i, to=f"+55119{i:08d}") for i in range(1, 2501)]

    results = backend.send_batch(messages)

    assert [len(b["messages"]) for b in _bodies(route)] == [1000, 1000, 500]
    assert WavyBackend.bulk_size == 1000
    assert {r.message_id: r.provider_message_id for r in results} == {i: f"w{i}" for i in range(1, 2501)}


def test_expiry_is_sent_as_expires_date_with_its_time_zone(respx_backend):
    backend, router = respx_backend
    route = router.post("/v1/send-sms").mock(return_value=httpx.Response(200, json=[{"id": "x", "correlationId": "5"}]))

    backend.send_batch([sms(5, expires_at=datetime(2030, 1, 28, 2, 30, 43, tzinfo=UTC))])

    body = _bodies(route)[0]
    assert body["expiresDate"] == "2030-01-28T02:30:43"
    assert body["timeZone"] == "UTC"


def test_schedule_more_than_30_minutes_ahead_goes_in_the_root_as_scheduled_date(respx_backend):
    backend, router = respx_backend
    route = router.post("/v1/send-bulk-sms").mock(
        return_value=httpx.Response(200, json={"id": "b", "messages": [{"id": "1"}, {"id": "2"}]})
    )
    when = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=2)
    payload = {"time_zone": "America/Sao_Paulo", "time_window": [12, 15, 20]}

    backend.send_batch([sms(1, send_at=when, payload=payload), sms(2, to="+5519900002222", send_at=when, payload=payload)])

    [body] = _bodies(route)
    from zoneinfo import ZoneInfo

    assert body["scheduledDate"] == when.astimezone(ZoneInfo("America/Sao_Paulo")).strftime("%Y-%m-%dT%H:%M:%S")
    assert body["timeZone"] == "America/Sao_Paulo"
    assert body["timeWindow"] == [12, 15, 20]
    assert all("scheduledDate" not in m for m in body["messages"])


def test_schedule_within_30_minutes_is_not_sent_but_retried_at_the_time(respx_backend):
    backend, router = respx_backend
    route = router.post("/v1/send-sms")

    [result] = backend.send_batch([sms(1, send_at=datetime.now(UTC) + timedelta(minutes=10))])

    assert not route.called
    assert result.status == MessageStatus.QUEUED
    assert result.error.error_class == ErrorClass.RETRYABLE
    assert 500 < result.error.retry_after <= 600


def test_messages_with_different_schedules_go_in_separate_requests(respx_backend):
    backend, router = respx_backend
    route = router.post("/v1/send-sms").mock(return_value=httpx.Response(200, json=[{"id": "x"}]))
    later = datetime.now(UTC) + timedelta(hours=3)

    backend.send_batch([sms(1), sms(2, to="+5511900002222", send_at=later)])

    assert [("scheduledDate" in body) for body in _bodies(route)] == [False, True]


def test_what_wavy_would_refuse_fails_locally_and_the_rest_still_goes(respx_backend):
    backend, router = respx_backend
    route = router.post("/v1/send-sms").mock(return_value=httpx.Response(200, json=[{"id": "ok", "correlationId": "3"}]))

    results = {r.message_id: r for r in backend.send_batch([sms(1, text="x" * 1281), sms(2, to="+12"), sms(3), sms(4, text="")])}

    assert len(route.calls) == 1
    assert results[3].status == MessageStatus.SUBMITTED
    assert results[1].status == MessageStatus.FAILED and results[1].error.code == ErrorCode.CONTENT_INVALID
    assert results[2].error.code == ErrorCode.INVALID_NUMBER
    assert results[4].error.code == ErrorCode.CONTENT_INVALID
    assert all(r.error.error_class == ErrorClass.PERMANENT for r in (results[1], results[2], results[4]))


def test_the_token_is_redacted_in_the_http_log(respx_backend):
    backend, router = respx_backend
    router.post("/v1/send-sms").mock(return_value=httpx.Response(200, json=[{"id": "x"}]))

    backend.send_batch([sms(1)])

    [call] = backend.http.calls
    assert call.request_headers["authenticationtoken"] == "***"
    assert CREDENTIALS["authenticationtoken"] not in json.dumps(call.request_headers)


def test_a_bad_time_window_is_dropped_not_crashed_on(respx_backend):
    backend, router = respx_backend
    route = router.post("/v1/send-sms").mock(return_value=httpx.Response(200, json=[{"id": "x"}]))

    [result] = backend.send_batch([sms(1, payload={"time_window": ["9", 25, "noon", None, 10]})])

    assert result.status == MessageStatus.SUBMITTED
    assert _bodies(route)[0]["timeWindow"] == [9, 10]
