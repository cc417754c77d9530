"""fetch_inbound: the MO list (consuming) and search (by period) endpoints."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from .conftest import CREDENTIALS, sms

MO_LIST_REPLY = {
    "total": 1,
    "start": "2016-09-04T11:12:41Z",
    "end": "2016-09-08T11:17:39.113Z",
    "messages": [
        {
            "id": "25950050-7362-11e6-be62-001b7843e7d4",
            "subAccount": "iFoodMarketing",
            "carrierId": 1,
            "carrierName": "VIVO",
            "source": "5516981562820",
            "shortCode": "28128",
            "messageText": "I want pizza",
            "receivedAt": 1473088405588,
            "receivedDate": "2016-09-05T12:13:25Z",
            "mt": {"id": "8be584fd-2554-439b-9ba9-aab507278992", "correlationId": "1876"},
        }
    ],
}


def test_list_reads_the_documented_response(respx_backend):
    backend, router = respx_backend
    backend.config.settings["subAccount"] = "iFoodMarketing"
    route = router.get("/v1/sms/receive/list").mock(return_value=httpx.Response(200, json=MO_LIST_REPLY))

    [item] = backend.fetch_inbound()

    assert route.calls.last.request.url.params["subAccount"] == "iFoodMarketing"
    assert (item.from_number, item.text, item.to) == ("+5516981562820", "I want pizza", "28128")


def test_search_sends_start_and_end_in_iso_8601(respx_backend):
    backend, router = respx_backend
    route = router.get("/v1/sms/receive/search").mock(return_value=httpx.Response(200, json={"total": 0, "messages": []}))

    assert backend.fetch_inbound(datetime(2016, 9, 12, tzinfo=UTC), datetime(2016, 9, 15, tzinfo=UTC)) == []

    params = route.calls.last.request.url.params
    assert (params["start"], params["end"]) == ("2016-09-12T00:00:00", "2016-09-15T00:00:00")


def test_simulator_mos_are_pushed_listed_once_and_searchable(backend, sim):
    [sent] = backend.send_batch([sms(77)])
    sim.inject_mo(CREDENTIALS["username"], "5511900001111", "STOP", reply_to=sent.provider_message_id)

    [pushed] = sim.drain()[-1:]
    listed = backend.fetch_inbound()
    again = backend.fetch_inbound()
    found = backend.fetch_inbound(since=datetime.now(UTC) - timedelta(hours=1))

    assert pushed.url.endswith("/mo/")
    assert [(i.from_number, i.text) for i in listed] == [("+5511900001111", "STOP")]
    assert listed[0].raw["mt"]["correlationId"] == "77"
    assert again == []
    assert [i.text for i in found] == ["STOP"]
