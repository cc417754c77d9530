"""Status query replies as Wavy sends them: a bare list of rows or ``{"smsStatuses": [...]}``,
with the document's field names; nothing is made up from a reply without ids."""

from __future__ import annotations

from itertools import pairwise

import httpx
import pytest

from providers.base import MessageStatus

# A row with the document's status query field names (sentStatusAt, deliveredDate...).
ROW = {
    "id": "8f5af680-973e-11e4-ad43-4ee58e9a13a6",
    "correlationId": "41",
    "carrierId": 5,
    "carrierName": "TIM",
    "destination": "5519900001111",
    "sentStatusCode": 2,
    "sentStatus": "SENT_SUCCESS",
    "sentStatusAt": 1420732929252,
    "sentStatusDate": "2015-01-08T16:02:09Z",
    "deliveredStatusCode": 4,
    "deliveredStatus": "DELIVERED_SUCCESS",
    "deliveredAt": 1420732954000,
    "deliveredDate": "2015-01-08T16:02:34Z",
    "campaignId": 1234,
}


@pytest.mark.parametrize("reply", [[ROW], {"smsStatuses": [ROW]}], ids=["bare list", "smsStatuses wrapper"])
def test_search_reads_both_reply_shapes(respx_backend, reply):
    backend, router = respx_backend
    router.post("/v1/sms/status/search").mock(return_value=httpx.Response(200, json=reply))

    [update] = backend.query_status([(41, "")])

    assert (update.message_id, update.status, update.network) == (41, MessageStatus.DELIVERED, "TIM")
    assert update.provider_message_id == ROW["id"]
    assert update.occurred_at.isoformat() == "2015-01-08T16:02:34+00:00"


@pytest.mark.parametrize("reply", [[ROW], {"smsStatuses": [ROW]}], ids=["bare list", "smsStatuses wrapper"])
def test_list_reads_both_reply_shapes(respx_backend, reply):
    backend, router = respx_backend
    router.get("/v1/sms/status/list").mock(return_value=httpx.Response(200, json=reply))

    [update] = backend.fetch_status_list()

    assert (update.message_id, update.status) == (41, MessageStatus.DELIVERED)


@pytest.mark.parametrize("reply", [{"smsStatuses": []}, [], {}, None, [{"carrierName": "TIM"}]])
def test_an_empty_or_idless_reply_gives_no_update(respx_backend, reply):
    backend, router = respx_backend
    router.get("/v1/sms/status/list").mock(return_value=httpx.Response(200, json=reply))
    router.post("/v1/sms/status/search").mock(return_value=httpx.Response(200, json=reply))

    assert backend.fetch_status_list() == []
    assert backend.query_status([(1, "x")]) == []


def test_simulator_answers_the_wrapper_the_backend_reads(backend, sim):
    from .conftest import sms

    backend.send_batch([sms(7)])

    [update] = backend.fetch_status_list()

    assert (update.message_id, update.status) == (7, MessageStatus.DELIVERED)
    assert sim.status_queries[-1][1] == 200


def test_status_queries_are_spaced_a_second_apart(backend, sim):
    from .conftest import sms

    backend.send_batch([sms(i, to=f"+55119000011{i:02d}") for i in range(1, 4)])

    for i in range(1, 4):
        backend.query_status([(i, "")])

    times = [t for t, _ in sim.status_queries]
    assert [code for _, code in sim.status_queries] == [200, 200, 200]
    assert all(later - earlier >= 1.0 for earlier, later in pairwise(times))


def test_simulator_refuses_a_second_status_query_within_a_second(sim):
    from .test_wavy_simulator import call

    sim.clock = iter([10.0, 10.0, 10.5, 10.5]).__next__

    assert call(sim, "/v1/sms/status/search", {"ids": []}).status == 200
    assert call(sim, "/v1/sms/status/search", {"ids": []}).status == 429
