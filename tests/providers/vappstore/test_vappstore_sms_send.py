"""sms/send: the request we build, how many requests a batch takes, and how the reply
(per destination or whole request) becomes one SendResult per message."""

from __future__ import annotations

import httpx
import pytest

from providers.base import ErrorClass, ErrorCode, MessageStatus
from providers.vappstore.backend import VAppstoreBackend
from tests.providers.vappstore.helpers import Recorder, make_backend, replying, sent_json, sms

# The document's response sample (its destinationResponses list is printed empty).
DOC_REPLY = {
    "version": "1.0",
    "requestId": "101901031657410007",
    "destinationResponses": [],
    "statusCode": "S1000",
    "statusDetail": "Success.",
}


@pytest.fixture
def recorder(sim) -> Recorder:
    return Recorder({"vappstore": sim})


@pytest.fixture
def recording_backend(recorder) -> VAppstoreBackend:
    return make_backend(recorder)


def test_request_has_the_documents_fields(recording_backend, recorder):
    recording_backend.send_batch([sms(1, "+6792870940", "Hello", sender="667")])
    request = recorder.requests[0]
    assert request.method == "POST"
    assert request.url.path == "/vappstore/sms/send"
    assert request.headers["content-type"].startswith("application/json")
    assert sent_json(request) == {
        "version": "1.0",
        "applicationId": "APP_999999",
        "password": "password",
        "message": "Hello",
        "destinationAddresses": ["tel:6792870940"],
        "deliveryStatusRequest": "1",
        "encoding": "0",
        "sourceAddress": "667",
    }


def test_no_sender_means_no_source_address(recording_backend, recorder):
    recording_backend.send_batch([sms(1, "+6792870940")])
    assert "sourceAddress" not in sent_json(recorder.requests[0])


def test_flash_sends_encoding_240(recording_backend, recorder):
    recording_backend.send_batch([sms(1, "+6792870940", "Now!", flash=True)])
    assert sent_json(recorder.requests[0])["encoding"] == "240"


def test_binary_sends_encoding_245_with_hex_and_header(recording_backend, recorder):
    header = "0605040B8423F0"
    results = recording_backend.send_batch([sms(1, "+6792870940", "48656c6c6f", payload={"binary": True, "binary_header": header})])
    body = sent_json(recorder.requests[0])
    assert (body["encoding"], body["message"], body["binaryHeader"]) == ("245", "48656c6c6f", header)
    assert results[0].status == MessageStatus.SUBMITTED


def test_binary_text_that_is_not_hex_is_hex_encoded(recording_backend, recorder):
    recording_backend.send_batch([sms(1, "+6792870940", "Hi!", payload={"binary": True})])
    assert sent_json(recorder.requests[0])["message"] == "486921"


def test_same_text_shares_one_request(recording_backend, recorder):
    numbers = ["+6792870940", "+6792870941", "+6792870942"]
    results = recording_backend.send_batch([sms(i, n) for i, n in enumerate(numbers, 1)])
    assert len(recorder.requests) == 1
    assert sent_json(recorder.requests[0])["destinationAddresses"] == [f"tel:{n[1:]}" for n in numbers]
    assert sorted(r.message_id for r in results) == [1, 2, 3]
    assert {r.status for r in results} == {MessageStatus.SUBMITTED}
    assert len({r.provider_message_id for r in results}) == 3


def test_different_text_sender_or_flash_split_requests(recording_backend, recorder):
    batch = [
        sms(1, "+6792870940", "A"),
        sms(2, "+6792870941", "B"),
        sms(3, "+6792870942", "A", sender="667"),
        sms(4, "+6792870943", "A", flash=True),
        sms(5, "+6792870944", "A"),
    ]
    results = recording_backend.send_batch(batch)
    assert len(recorder.requests) == 4
    assert len(results) == 5
    first_a = next(sent_json(r) for r in recorder.requests if sent_json(r)["destinationAddresses"][0] == "tel:6792870940")
    assert first_a["destinationAddresses"] == ["tel:6792870940", "tel:6792870944"]


def test_bulk_size_caps_a_request(sim, recorder):
    backend = make_backend(recorder)
    backend.bulk_size = 2
    backend.send_batch([sms(i, f"+67928709{i:02d}") for i in range(5)])
    assert sorted(len(sent_json(r)["destinationAddresses"]) for r in recorder.requests) == [1, 2, 2]


def test_the_same_number_twice_goes_in_separate_requests(recording_backend, recorder):
    results = recording_backend.send_batch([sms(1, "+6792870940"), sms(2, "+6792870940")])
    assert len(recorder.requests) == 2
    assert {r.message_id for r in results} == {1, 2}


def test_invalid_destination_fails_only_that_message(backend):
    results = {r.message_id: r for r in backend.send_batch([sms(1, "+6792870941"), sms(2, "+6792870000")])}
    assert results[1].status == MessageStatus.SUBMITTED
    assert results[2].status == MessageStatus.FAILED
    assert results[2].error.code == ErrorCode.INVALID_NUMBER
    assert results[2].error.error_class == ErrorClass.PERMANENT
    assert results[2].error.raw_code == "E1325"


def test_provider_id_joins_destination_request_id_and_number(backend):
    result = backend.send_batch([sms(1, "+6792870941")])[0]
    request_id = result.extra["request_id"]
    assert request_id
    assert result.provider_message_id == f"{request_id}:6792870941"


def test_documents_reply_without_destination_responses_applies_to_all():
    transport, _ = replying(httpx.Response(200, json=DOC_REPLY))
    results = make_backend(transport).send_batch([sms(1, "+6792870940"), sms(2, "+6792870941")])
    assert {r.status for r in results} == {MessageStatus.SUBMITTED}
    assert {r.provider_message_id for r in results} == {"101901031657410007:6792870940", "101901031657410007:6792870941"}


def test_destination_responses_without_addresses_are_read_in_order():
    reply = {
        **DOC_REPLY,
        "statusCode": "E1341",
        "destinationResponses": [
            {"requestId": "R1", "statusCode": "S1000"},
            {"requestId": "R2", "statusCode": "E1342", "statusDetail": "blacklisted"},
        ],
    }
    transport, _ = replying(httpx.Response(200, json=reply))
    results = {r.message_id: r for r in make_backend(transport).send_batch([sms(1, "+6792870940"), sms(2, "+6792870941")])}
    assert results[1].provider_message_id == "R1:6792870940"
    assert results[2].status == MessageStatus.FAILED
    assert results[2].error.code == ErrorCode.BLOCKED


def test_destination_response_with_tel_and_space_matches():
    reply = {**DOC_REPLY, "destinationResponses": [{"address": "tel: 6792870940", "requestId": "R9", "statusCode": "S1000"}]}
    transport, _ = replying(httpx.Response(200, json=reply))
    result = make_backend(transport).send_batch([sms(1, "+6792870940")])[0]
    assert result.provider_message_id == "R9:6792870940"


def test_bad_password_is_an_account_error_for_every_message(sim):
    backend = make_backend(Recorder({"vappstore": sim}), credentials={"applicationId": "APP_1", "password": "bad-one"})
    results = backend.send_batch([sms(1, "+6792870940"), sms(2, "+6792870941")])
    assert {(r.status, r.error.code, r.error.error_class, r.error.raw_code) for r in results} == {
        (MessageStatus.FAILED, ErrorCode.AUTH_FAILED, ErrorClass.ACCOUNT, "E1313")
    }


def test_no_balance_is_an_account_error(sim):
    backend = make_backend(Recorder({"vappstore": sim}), credentials={"applicationId": "nobalance-app", "password": "p"})
    result = backend.send_batch([sms(1, "+6792870940")])[0]
    assert (result.error.code, result.error.error_class) == (ErrorCode.INSUFFICIENT_BALANCE, ErrorClass.ACCOUNT)


def test_rate_limit_leaves_messages_queued_for_retry():
    transport, _ = replying(httpx.Response(429, json={"statusCode": "E1318"}, headers={"Retry-After": "2"}))
    result = make_backend(transport).send_batch([sms(1, "+6792870940")])[0]
    assert result.status == MessageStatus.QUEUED
    assert result.retryable
    assert (result.error.code, result.error.retry_after) == (ErrorCode.RATE_LIMITED, 2.0)


def test_server_error_is_retryable():
    transport, _ = replying(httpx.Response(503, text="Service Unavailable"))
    result = make_backend(transport).send_batch([sms(1, "+6792870940")])[0]
    assert result.retryable


def test_timeout_after_sending_is_unknown():
    def handler(request):
        raise httpx.ReadTimeout("slow", request=request)

    result = make_backend(httpx.MockTransport(handler)).send_batch([sms(1, "+6792870940")])[0]
    assert result.status == MessageStatus.UNKNOWN
    assert result.error.error_class == ErrorClass.AMBIGUOUS


def test_connection_refused_is_retryable():
    def handler(request):
        raise httpx.ConnectError("refused", request=request)

    result = make_backend(httpx.MockTransport(handler)).send_batch([sms(1, "+6792870940")])[0]
    assert result.status == MessageStatus.QUEUED
    assert result.error.code == ErrorCode.NETWORK


@pytest.mark.parametrize("content", [b"<html>oops</html>", b'{"version": "1.0"}', b"[1, 2]"])
def test_ok_reply_without_status_code_is_unknown_never_resent(content):
    transport, _ = replying(httpx.Response(200, content=content))
    result = make_backend(transport).send_batch([sms(1, "+6792870940")])[0]
    assert result.status == MessageStatus.UNKNOWN


def test_bad_request_without_body_is_permanent():
    transport, _ = replying(httpx.Response(400, text="bad"))
    result = make_backend(transport).send_batch([sms(1, "+6792870940")])[0]
    assert (result.status, result.error.code) == (MessageStatus.FAILED, ErrorCode.BAD_REQUEST)


def test_password_is_redacted_in_the_http_log(recording_backend):
    recording_backend.send_batch([sms(1, "+6792870940")])
    call = recording_backend.http.calls[0]
    assert '"password": "***"' in call.request_body
    assert "APP_999999" in call.request_body


def test_other_channels_are_refused_without_a_request(recording_backend, recorder):
    from providers.base import Channel, OutboundMessage

    result = recording_backend.send_batch([OutboundMessage(id=1, to="+6792870940", channel=Channel.VOICE)])[0]
    assert (result.status, result.error.code) == (MessageStatus.FAILED, ErrorCode.NOT_ALLOWED)
    assert recorder.requests == []


def test_send_one_sends_an_sms(backend):
    assert backend.send_one(sms(7, "+6792870941")).status == MessageStatus.SUBMITTED


def test_a_request_refused_over_one_number_is_resent_one_by_one():
    seen = []

    def handler(request):
        addresses = sent_json(request)["destinationAddresses"]
        seen.append(addresses)
        if "tel:6792870000" in addresses:
            return httpx.Response(200, json={"statusCode": "E1325", "statusDetail": "Format of the address is invalid"})
        return httpx.Response(200, json={**DOC_REPLY, "requestId": f"R{len(seen)}"})

    results = {
        r.message_id: r for r in make_backend(httpx.MockTransport(handler)).send_batch([sms(1, "+6792870941"), sms(2, "+6792870000")])
    }
    assert seen == [["tel:6792870941", "tel:6792870000"], ["tel:6792870941"], ["tel:6792870000"]]
    assert results[1].status == MessageStatus.SUBMITTED
    assert (results[2].status, results[2].error.code) == (MessageStatus.FAILED, ErrorCode.INVALID_NUMBER)


def test_an_account_refusal_is_not_resent():
    transport, seen = replying(httpx.Response(200, json={"statusCode": "E1313", "statusDetail": "Authentication failure"}))
    make_backend(transport).send_batch([sms(1, "+6792870941"), sms(2, "+6792870942")])
    assert len(seen) == 1
