"""parse_webhook on the document's callback, delivery report and MO samples, and bad bodies."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from providers.base import MalformedWebhook, MessageStatus, WebhookRequest

# As printed in the document, trailing comma included.
CALLBACK = b"""{
"id":"f9c100ff-aed0-4456-898c-e57d754c439c",
"correlationId":"client-id",
"carrierId":1,
"carrierName":"VIVO",
"destination":"5511900009999",
"sentStatusCode":2,
"sentStatus":"SENT_SUCCESS",
"sentAt":1266660300000,
"sentDate":"2010-02-20T10:05:00Z",
"campaignId":"64",
"extraInfo":"",
}"""

DLR = b"""{
"id":"8f5af680-973e-11e4-ad43-4ee58e9a13a6",
"correlationId":"myId",
"carrierId":5,
"carrierName":"TIM",
"destination":"5519900001111",
"sentStatusCode":2,
"sentStatus":"SENT_SUCCESS",
"sentStatusAt":1420732929252,
"sentStatusDate":"2015-01-08T16:02:09Z",
"deliveredStatusCode":4,
"deliveredStatus":"DELIVERED_SUCCESS",
"deliveredAt":1420732954000,
"deliveredDate":"2015-01-08T16:02:34Z",
"campaignId":1234
}"""

MO = b"""{
"id": "25950050-7362-11e6-be62-001b7843e7d4",
"subAccount": "iFoodMarketing",
"campaignAlias": "iFoodPromo",
"carrierId": 1,
"carrierName": "VIVO",
"source": "5516981562820",
"shortCode": "28128",
"messageText": "I want pizza",
"receivedAt": 1473088405588,
"receivedDate": "2016-09-05T12:13:25Z",
"mt": {
"id": "8be584fd-2554-439b-9ba9-aab507278992",
"correlationId": "1876",
"username": "iFoodCS",
"email": "customer.support@ifood.com"
}
}"""


def hook(body: bytes, kind: str = "", method: str = "POST", query: dict | None = None) -> WebhookRequest:
    return WebhookRequest(method=method, kind=kind, content_type="application/json", body=body, query=query or {})


def test_sent_status_callback_sample(backend):
    result = backend.parse_webhook(hook(CALLBACK, "callback"))

    [update] = result.statuses
    assert update.status == MessageStatus.SENT
    assert update.provider_message_id == "f9c100ff-aed0-4456-898c-e57d754c439c"
    assert update.message_id is None  # "client-id" is not one of our ids
    assert update.network == "VIVO"
    assert update.to == "+5511900009999"
    assert update.occurred_at == datetime(2010, 2, 20, 10, 5, tzinfo=UTC)
    assert result.inbound == []


def test_delivery_report_sample(backend):
    [update] = backend.parse_webhook(hook(DLR, "dlr")).statuses

    assert update.status == MessageStatus.DELIVERED
    assert update.provider_message_id == "8f5af680-973e-11e4-ad43-4ee58e9a13a6"
    assert update.network == "TIM"
    assert update.occurred_at == datetime(2015, 1, 8, 16, 2, 34, tzinfo=UTC)


def test_our_correlation_id_becomes_the_message_id(backend):
    body = json.dumps({"id": "abc", "correlationId": "4242", "sentStatusCode": 103, "sentStatus": "REJECTED_BY_CARRIER"}).encode()

    [update] = backend.parse_webhook(hook(body)).statuses

    assert (update.message_id, update.provider_message_id, update.status) == (4242, "abc", MessageStatus.REJECTED)


def test_a_list_of_reports_gives_one_update_each(backend):
    body = json.dumps(
        [
            {"id": "a", "correlationId": "1", "sentStatusCode": 2, "sentStatus": "SENT_SUCCESS"},
            {"id": "b", "correlationId": "2", "sentStatusCode": 2, "deliveredStatusCode": 104, "deliveredStatus": "NOT_DELIVERED"},
        ]
    ).encode()

    updates = backend.parse_webhook(hook(body)).statuses

    assert [(u.message_id, u.status) for u in updates] == [(1, MessageStatus.SENT), (2, MessageStatus.UNDELIVERED)]


def test_mo_push_sample(backend):
    result = backend.parse_webhook(hook(MO, "mo"))

    [item] = result.inbound
    assert item.kind == "sms"
    assert item.from_number == "+5516981562820"
    assert item.text == "I want pizza"
    assert item.to == "28128"
    assert item.provider_message_id == "25950050-7362-11e6-be62-001b7843e7d4"
    # The sample's receivedDate (12:13:25Z) disagrees with its receivedAt epoch; the epoch wins.
    assert item.received_at == datetime(2016, 9, 5, 15, 13, 25, 588000, tzinfo=UTC)
    assert item.raw["mt"]["correlationId"] == "1876"
    assert result.statuses == []


def test_mo_pushed_with_get_query_string(backend):
    query = {"id": "m1", "source": "5516981562820", "shortCode": "28128", "messageText": "STOP", "receivedAt": "1473088405588"}

    [item] = backend.parse_webhook(hook(b"", "mo", method="GET", query=query)).inbound

    assert (item.from_number, item.text, item.received_at.year) == ("+5516981562820", "STOP", 2016)


def test_the_kind_is_found_from_the_body_whatever_the_url_says(backend):
    result = backend.parse_webhook(hook(DLR, "mo"))

    assert len(result.statuses) == 1 and result.inbound == []


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b'"a string"',
        b"42",
        b"[]",
        b"[1, 2]",
        b'{"hello": "world"}',
        b'{"sentStatusCode": 2}',
        b'[{"id": "a", "sentStatusCode": 2}, "junk"]',
    ],
)
def test_malformed_bodies_raise_malformed_webhook(backend, body):
    with pytest.raises(MalformedWebhook):
        backend.parse_webhook(hook(body))


def test_malformed_ack_is_400_and_a_good_one_200(backend):
    request = hook(CALLBACK)
    assert backend.webhook_ack(request, None).status == 400
    assert backend.webhook_ack(request, backend.parse_webhook(request)).status == 200
