"""Status query by message id or lot id (VavaSMS pushes no delivery reports)."""

from __future__ import annotations

import pytest

from providers.base import Channel, ErrorClass, ErrorCode, MessageStatus, OutboundMessage, ProviderException

DOC_STATUS = """{
"code": 0,
"message": "OPERATION_SUCCES",
"data": [
{
"lot_id": "LOT-20190617-1445425",
"message_id": "SM-20190617-1445914",
"status": "sent",
"description": "Envoyé"
}
]
}"""
DOC_NOT_FOUND = """{
"code": "709",
"message": "EXECUTION_ERROR",
"description": "Aucun envoi existe pour ce ID",
"data": []
}"""


def test_query_by_message_id_sends_the_documented_fields(canned):
    backend, recorder = canned(DOC_STATUS)
    [update] = backend.query_status([(42, "SM-20190617-1445914")])
    assert recorder.form() == {"username": "client@acme.test", "password": "s3cret", "message_id": "SM-20190617-1445914"}
    assert str(recorder.requests[0].url) == "http://sim.test/vavasms/v1/text/status"
    assert update.status == MessageStatus.SENT
    assert (update.provider_message_id, update.message_id, update.raw_status) == ("SM-20190617-1445914", 42, "sent")


def test_a_lot_id_is_asked_as_lot_id(canned):
    backend, recorder = canned(DOC_STATUS)
    [update] = backend.query_status([(42, "LOT-20190617-1445425")])
    assert recorder.form()["lot_id"] == "LOT-20190617-1445425" and "message_id" not in recorder.form()
    assert update.provider_message_id == "SM-20190617-1445914" and update.message_id is None


def test_the_status_path_can_be_set_on_the_connection(canned):
    backend, recorder = canned(DOC_STATUS, settings={"status_path": "v1/text/statut"})
    backend.query_status([(1, "SM-1")])
    assert recorder.requests[0].url.path == "/vavasms/v1/text/statut"


def test_709_no_send_for_this_id_gives_no_update(canned):
    backend, _ = canned(DOC_NOT_FOUND)
    assert backend.query_status([(1, "SM-nope")]) == []


def test_bad_credentials_raise_an_account_error(canned):
    backend, _ = canned('{"code": "901", "status": "INVALID_CREDENTIALS", "description": "Identifiant de connexion incorrect",}')
    with pytest.raises(ProviderException) as caught:
        backend.query_status([(1, "SM-1")])
    assert caught.value.error.error_class == ErrorClass.ACCOUNT


def test_unknown_words_and_empty_ids_are_skipped(canned):
    backend, recorder = canned('{"code":0,"data":[{"message_id":"SM-1","status":"mystery"}]}')
    assert backend.query_status([(1, "SM-1"), (2, "")]) == []
    assert len(recorder.requests) == 1


def sms(id: int, to: str) -> OutboundMessage:
    return OutboundMessage(id=id, to=to, channel=Channel.SMS, sender="ACME", text="Hi")


def test_outcomes_come_back_from_the_simulator(backend):
    sent = backend.send_batch([sms(1, "+22509000001"), sms(2, "+22509000009"), sms(3, "+22509000008"), sms(4, "+22509000007")])
    updates = {u.message_id: u for u in backend.query_status([(r.message_id, r.provider_message_id) for r in sent])}
    assert updates[1].status == MessageStatus.DELIVERED and updates[1].error is None
    assert updates[2].status == MessageStatus.UNDELIVERED and updates[2].error.code == ErrorCode.NOT_DELIVERED
    assert updates[3].status == MessageStatus.EXPIRED
    assert updates[4].status == MessageStatus.REJECTED


def test_whole_lot_through_the_simulator(backend):
    sent = backend.send_batch([sms(1, "+22509000001"), sms(2, "+22509000009")])
    lot = sent[0].extra["lot_id"]
    updates = backend.query_status([(0, lot)])
    assert {u.provider_message_id: u.status for u in updates} == {
        sent[0].provider_message_id: MessageStatus.DELIVERED,
        sent[1].provider_message_id: MessageStatus.UNDELIVERED,
    }


def test_before_the_delay_the_simulator_says_sent(make_backend, sim):
    sim.delay = 60
    backend = make_backend()
    [result] = backend.send_batch([sms(1, "+22509000001")])
    [update] = backend.query_status([(1, result.provider_message_id)])
    assert update.status == MessageStatus.SENT
