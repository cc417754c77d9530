"""query_status: reconciling messages through POST /v1/sms/status/search."""

from __future__ import annotations

import json

import httpx
import pytest

from providers.base import ErrorClass, ErrorCode, MessageStatus, ProviderException

from .conftest import sms


def test_the_search_body_carries_wavy_ids_and_our_correlation_ids(respx_backend):
    backend, router = respx_backend
    route = router.post("/v1/sms/status/search").mock(return_value=httpx.Response(200, json=[]))

    assert backend.query_status([(1, "918F3591-9AD6-11E7-9C9B-E255B01A8B1A"), (2, "")]) == []

    assert json.loads(route.calls.last.request.content) == {"ids": ["918F3591-9AD6-11E7-9C9B-E255B01A8B1A"], "correlationIds": ["1", "2"]}


def test_rows_are_mapped_to_our_ids_by_correlation_id_or_by_wavy_id(respx_backend):
    backend, router = respx_backend
    rows = [
        {"id": "AAA", "correlationId": "1", "sentStatusCode": 2, "sentStatus": "SENT_SUCCESS", "deliveredStatusCode": 4},
        {"id": "bbb", "correlationId": "not-ours", "sentStatusCode": 202, "sentStatus": "INVALID_DESTINATION_NUMBER"},
    ]
    router.post("/v1/sms/status/search").mock(return_value=httpx.Response(200, json=rows))

    updates = {u.provider_message_id: u for u in backend.query_status([(1, "aaa"), (2, "BBB")])}

    assert (updates["AAA"].message_id, updates["AAA"].status) == (1, MessageStatus.DELIVERED)
    assert (updates["bbb"].message_id, updates["bbb"].status) == (2, MessageStatus.REJECTED)
    assert updates["bbb"].error.code == ErrorCode.INVALID_NUMBER


def test_a_row_without_status_yet_means_wavy_has_it(respx_backend):
    backend, router = respx_backend
    router.post("/v1/sms/status/search").mock(return_value=httpx.Response(200, json=[{"id": "x", "correlationId": "3"}]))

    [update] = backend.query_status([(3, "")])

    assert (update.message_id, update.status) == (3, MessageStatus.SUBMITTED)


def test_rate_limited_query_raises_with_retry_after(respx_backend):
    backend, router = respx_backend
    router.post("/v1/sms/status/search").mock(return_value=httpx.Response(429, headers={"Retry-After": "1"}))

    with pytest.raises(ProviderException) as caught:
        backend.query_status([(1, "")])

    assert caught.value.error.error_class == ErrorClass.RETRYABLE
    assert caught.value.error.retry_after == 1.0


def test_unknown_messages_are_reconciled_against_the_simulator(backend, sim):
    sent = backend.send_batch([sms(1, to="+5511900001111"), sms(2, to="+5511900002229"), sms(3, to="+5511900003338")])
    by_id = {r.message_id: r.provider_message_id for r in sent}

    # As if the send had timed out: we know only our own ids for 1 and 2.
    updates = {u.message_id: u for u in backend.query_status([(1, ""), (2, ""), (3, by_id[3]), (99, "")])}

    assert updates[1].status == MessageStatus.DELIVERED
    assert updates[1].provider_message_id == by_id[1]
    assert updates[2].status == MessageStatus.UNDELIVERED
    assert updates[3].status == MessageStatus.EXPIRED
    assert 99 not in updates  # never reached Wavy


def test_status_list_returns_each_status_once(backend, sim):
    backend.send_batch([sms(1), sms(2, to="+5511900002222")])

    first = backend.fetch_status_list()
    second = backend.fetch_status_list()

    assert sorted(u.message_id for u in first) == [1, 2]
    assert second == []
