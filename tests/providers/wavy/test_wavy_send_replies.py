"""Mapping Wavy's synchronous replies back to each message (document samples)."""

from __future__ import annotations

from providers.base import ErrorClass, ErrorCode, MessageStatus
from providers.wavy.backend import map_send_reply
from providers.wavy.parsing import load_json

from .conftest import sms

# The document's bulk reply, as printed.
BULK_REPLY = """{
"id": "ce528d70-013b-11e7-98f2-e27c463c8809",
"messages": [
{
"id": "ce528d71-013b-11e7-98f2-e27c463c8809"
},
{
"id": "ce528d72-013b-11e7-98f2-e27c463c8809"
}
]
}"""

SINGLE_REPLY = """[
{
"id":"9cb87d36-79af-11e5-89f3-1b0591cdf807",
"correlationId":"myId"
}
]"""


def test_bulk_reply_ids_are_matched_by_position():
    results = map_send_reply([sms(10), sms(11)], load_json(BULK_REPLY))

    assert [(r.message_id, r.status, r.provider_message_id) for r in results] == [
        (10, MessageStatus.SUBMITTED, "ce528d71-013b-11e7-98f2-e27c463c8809"),
        (11, MessageStatus.SUBMITTED, "ce528d72-013b-11e7-98f2-e27c463c8809"),
    ]
    assert results[0].extra["batch_id"] == "ce528d70-013b-11e7-98f2-e27c463c8809"


def test_single_reply_list_gives_the_message_its_uuid():
    [result] = map_send_reply([sms(7)], load_json(SINGLE_REPLY))

    assert result.status == MessageStatus.SUBMITTED
    assert result.provider_message_id == "9cb87d36-79af-11e5-89f3-1b0591cdf807"


def test_items_echoing_correlation_ids_are_matched_by_them_in_any_order():
    reply = {"id": "b", "messages": [{"id": "w2", "correlationId": "2"}, {"id": "w1", "correlationId": "1"}]}

    results = map_send_reply([sms(1), sms(2)], reply)

    assert {r.message_id: r.provider_message_id for r in results} == {1: "w1", 2: "w2"}


def test_an_item_with_an_error_fails_only_its_message():
    reply = {
        "id": "b",
        "messages": [
            {"id": "w1"},
            {"destination": "5511900000000", "correlationId": "2", "errorCode": 202, "errorMessage": "INVALID_DESTINATION_NUMBER"},
            {"id": "w3"},
        ],
    }

    results = {r.message_id: r for r in map_send_reply([sms(1), sms(2), sms(3)], reply)}

    assert results[1].status == results[3].status == MessageStatus.SUBMITTED
    assert results[2].status == MessageStatus.FAILED
    assert results[2].error.code == ErrorCode.INVALID_NUMBER
    assert results[2].error.error_class == ErrorClass.PERMANENT
    assert results[2].error.raw_code == "202"


def test_a_message_the_reply_does_not_mention_is_unknown_not_resent():
    results = map_send_reply([sms(1), sms(2)], {"id": "b", "messages": [{"id": "w1"}]})

    assert results[0].status == MessageStatus.SUBMITTED
    assert results[1].status == MessageStatus.UNKNOWN
    assert results[1].error.error_class == ErrorClass.AMBIGUOUS


def test_an_unexpected_reply_shape_leaves_every_message_unknown():
    results = map_send_reply([sms(1), sms(2)], "OK")

    assert {r.status for r in results} == {MessageStatus.UNKNOWN}
