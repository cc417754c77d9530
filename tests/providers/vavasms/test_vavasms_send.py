"""Sending through /api/v1/text/single: the request we build and the reply we read."""

from __future__ import annotations

import httpx

from providers.base import Channel, ErrorClass, ErrorCode, MessageStatus, OutboundMessage
from tests.providers.vavasms.conftest import backend_on

# The document's success reply for one phone.
DOC_SUCCESS = """{
"code": 0,
"message": "OPERATION_SUCCES",
"data": {
"lot_id": "LOT-20190623-1217676",
"description": "Message envoyé avec succès",
"message_id": [
"SM-20190623-1217879"
]
}
}"""
# The document's error samples, trailing comma included.
DOC_INVALID_CREDENTIALS = """{
"code": "901",
"status": "INVALID_CREDENTIALS",
"description": "Identifiant de connexion incorrect",
}"""
DOC_INVALID_PHONE = """{
"code": "903",
"status": "INVALID_PHONE_NUMBER",
"description": "Le format du numéro de téléphone est invalide",
}"""
DOC_INVALID_SENDER = """{
"code": "902",
"status": "INVALID_SENDER_ID",
"description": "Le sender_id n’existe pas",
}"""


def sms(id: int, to: str, text: str = "Hello", sender: str = "ACME", **kw) -> OutboundMessage:
    return OutboundMessage(id=id, to=to, channel=Channel.SMS, sender=sender, text=text, **kw)


def by_id(results):
    return {r.message_id: r for r in results}


def test_request_is_form_encoded_with_the_documents_field_names(canned):
    backend, recorder = canned(DOC_SUCCESS)
    backend.send_batch([sms(1, "+22509000001", "Bonjour à tous")])
    request = recorder.requests[0]
    assert request.method == "POST"
    assert str(request.url) == "http://sim.test/vavasms/v1/text/single"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert recorder.form() == {
        "username": "client@acme.test",
        "password": "s3cret",
        "sender_id": "ACME",
        "phone": "22509000001",
        "message": "Bonjour à tous",
    }


def test_one_request_carries_a_comma_separated_phone_list(canned):
    reply = '{"code":0,"message":"OPERATION_SUCCES","data":{"lot_id":"LOT-1","message_id":["SM-a","SM-b","SM-c"]}}'
    backend, recorder = canned(reply)
    results = by_id(backend.send_batch([sms(1, "+22509000001"), sms(2, "+22509000002"), sms(3, "+22377000010")]))
    assert len(recorder.requests) == 1
    assert recorder.form()["phone"] == "22509000001,22509000002,22377000010"
    assert {i: r.provider_message_id for i, r in results.items()} == {1: "SM-a", 2: "SM-b", 3: "SM-c"}
    assert all(r.status == MessageStatus.SUBMITTED and r.extra["lot_id"] == "LOT-1" for r in results.values())


def test_documents_success_sample_keeps_lot_and_message_id(canned):
    backend, _ = canned(DOC_SUCCESS)
    [result] = backend.send_batch([sms(7, "+22509000001")])
    assert result.provider_message_id == "SM-20190623-1217879"
    assert result.extra == {"lot_id": "LOT-20190623-1217676", "batch_id": "LOT-20190623-1217676"}
    assert result.status == MessageStatus.SUBMITTED and result.error is None


def test_ids_given_by_phone_are_matched_by_phone_not_order(canned):
    reply = '{"code":0,"data":{"lot_id":"LOT-2","message_id":{"22509000002":"SM-two","22509000001":"SM-one"}}}'
    backend, _ = canned(reply)
    results = by_id(backend.send_batch([sms(1, "+22509000001"), sms(2, "+22509000002")]))
    assert results[1].provider_message_id == "SM-one"
    assert results[2].provider_message_id == "SM-two"


def test_a_phone_without_an_id_in_the_reply_is_unknown_never_resent(canned):
    reply = '{"code":0,"data":{"lot_id":"LOT-3","message_id":["SM-only"]}}'
    backend, _ = canned(reply)
    results = by_id(backend.send_batch([sms(1, "+22509000001"), sms(2, "+22509000002")]))
    assert results[1].status == MessageStatus.SUBMITTED
    assert results[2].status == MessageStatus.UNKNOWN
    assert results[2].error.error_class == ErrorClass.AMBIGUOUS
    assert results[2].extra["lot_id"] == "LOT-3"


def test_different_texts_and_senders_go_in_separate_requests(backend, sim):
    results = backend.send_batch([sms(1, "+22509000001", "A"), sms(2, "+22509000002", "B"), sms(3, "+22509000003", "A", sender="OTHER")])
    assert sim.requests == 3
    assert all(r.status == MessageStatus.SUBMITTED for r in results)


def test_the_same_phone_twice_never_shares_a_request(backend, sim):
    results = backend.send_batch([sms(1, "+22509000001"), sms(2, "+22509000001")])
    assert sim.requests == 2
    assert len({r.provider_message_id for r in results}) == 2


def test_batches_are_cut_at_bulk_size(backend, sim):
    messages = [sms(i, f"+2250900{i:04d}1") for i in range(1, backend.bulk_size + 6)]
    results = backend.send_batch(messages)
    assert sim.requests == 2
    assert len(results) == len(messages) and all(r.status == MessageStatus.SUBMITTED for r in results)


def test_an_implausible_number_fails_without_a_request(backend, sim):
    [result] = backend.send_batch([sms(1, "+12")])
    assert result.status == MessageStatus.FAILED
    assert result.error.code == ErrorCode.INVALID_NUMBER
    assert sim.requests == 0


def test_903_on_a_list_is_split_to_find_the_bad_number(backend, sim):
    messages = [sms(1, "+22509000001"), sms(2, "+22509010000"), sms(3, "+22509000003"), sms(4, "+22509000004")]
    results = by_id(backend.send_batch(messages))
    assert results[2].status == MessageStatus.FAILED
    assert results[2].error.code == ErrorCode.INVALID_NUMBER and results[2].error.raw_code == "903"
    assert all(results[i].status == MessageStatus.SUBMITTED for i in (1, 3, 4))
    assert sim.submissions["22509000001"] == 1 and sim.stats()["duplicates"] == {}


def test_documents_error_samples_are_read_despite_their_trailing_comma(canned):
    backend, _ = canned(DOC_INVALID_CREDENTIALS)
    [result] = backend.send_batch([sms(1, "+22509000001")])
    assert result.error.code == ErrorCode.AUTH_FAILED
    assert result.error.error_class == ErrorClass.ACCOUNT
    assert result.error.raw_code == "901"
    assert result.status == MessageStatus.QUEUED  # left to the pipeline, which pauses the campaign


def test_invalid_sender_is_an_account_level_error(canned):
    backend, _ = canned(DOC_INVALID_SENDER)
    [result] = backend.send_batch([sms(1, "+22509000001")])
    assert (result.error.code, result.error.error_class) == (ErrorCode.SENDER_INVALID, ErrorClass.ACCOUNT)


def test_903_for_a_single_number_fails_that_message(canned):
    backend, _ = canned(DOC_INVALID_PHONE)
    [result] = backend.send_batch([sms(1, "+22509000001")])
    assert result.status == MessageStatus.FAILED and result.error.code == ErrorCode.INVALID_NUMBER


def test_no_balance_pauses_rather_than_fails(make_backend):
    backend = make_backend(credentials={"username": "nobalance@acme.test", "password": "x"})
    [result] = backend.send_batch([sms(1, "+22509000001")])
    assert (result.error.code, result.error.error_class) == (ErrorCode.INSUFFICIENT_BALANCE, ErrorClass.ACCOUNT)


def test_timeout_after_sending_is_unknown(canned):
    def timeout(request):
        raise httpx.ReadTimeout("slow", request=request)

    backend = backend_on(httpx.MockTransport(timeout))
    [result] = backend.send_batch([sms(1, "+22509000001")])
    assert result.status == MessageStatus.UNKNOWN
    assert result.error.error_class == ErrorClass.AMBIGUOUS


def test_connection_refused_is_retryable():
    def refused(request):
        raise httpx.ConnectError("refused", request=request)

    backend = backend_on(httpx.MockTransport(refused))
    [result] = backend.send_batch([sms(1, "+22509000001")])
    assert result.retryable and result.status == MessageStatus.QUEUED


def test_http_429_and_5xx_are_retryable(canned):
    backend, _ = canned((429, "Too Many Requests"), (502, "<html>Bad gateway</html>"))
    first, second = backend.send_batch([sms(1, "+22509000001", "a")]), backend.send_batch([sms(2, "+22509000001", "b")])
    assert first[0].error.code == ErrorCode.RATE_LIMITED and first[0].retryable
    assert second[0].error.code == ErrorCode.PROVIDER_ERROR and second[0].retryable


def test_an_unreadable_success_reply_is_unknown(canned):
    backend, _ = canned("<html>ok</html>")
    [result] = backend.send_batch([sms(1, "+22509000001")])
    assert result.status == MessageStatus.UNKNOWN


def test_unicode_text_is_sent_as_is(backend, sim):
    [result] = backend.send_batch([sms(1, "+22509000001", "Привет 😀", encoding="ucs2")])
    assert result.status == MessageStatus.SUBMITTED
    assert sim.submissions["22509000001"] == 1


def test_message_without_sender_uses_the_connection_default(canned):
    backend, recorder = canned(DOC_SUCCESS, settings={"sender_id": "DEFAULT"})
    backend.send_batch([sms(1, "+22509000001", sender="")])
    assert recorder.form()["sender_id"] == "DEFAULT"


def test_password_is_redacted_in_the_http_log(canned):
    backend, _ = canned(DOC_SUCCESS)
    backend.send_batch([sms(1, "+22509000001")])
    [call] = backend.http.calls
    assert "s3cret" not in call.request_body and "password=%2A%2A%2A" in call.request_body
