"""GET /bulksms/bulksms: the request we build and the pipe-delimited reply we read."""

from __future__ import annotations

import httpx
import pytest

from providers.base import ErrorClass, ErrorCode, MessageStatus
from tests.providers.unified.conftest import backend_on, by_id, sms


def test_request_uses_the_documents_parameters(canned):
    backend, recorder = canned("1701|2348012345671|3e1c0a7b-0001")
    backend.send_batch([sms(1, "+2348012345671", "Héllo & bye", sender="+234800")])
    request = recorder.requests[0]
    assert request.method == "GET"
    assert request.url.path == "/unified/bulksms/bulksms"
    assert recorder.params() == {
        "username": "acme",
        "password": "s3cret",
        "type": "0",
        "dlr": "1",
        "destination": "2348012345671",
        "source": "+234800",
        "message": "Héllo & bye",
    }
    assert "source=%2B234800" in str(request.url)  # the plus sign URL-encoded
    assert "message=H%C3%A9llo" in str(request.url)  # URL-UTF-8 encoded


def test_destinations_are_one_comma_separated_encoded_list(canned):
    backend, recorder = canned("1701|2348012345671|a,1701|2348012345672|b")
    backend.send_batch([sms(1, "+2348012345671"), sms(2, "+2348012345672")])
    assert len(recorder.requests) == 1
    assert "destination=2348012345671%2C2348012345672" in str(recorder.requests[0].url)


@pytest.mark.parametrize(
    "encoding,flash,expected",
    [("gsm7", False, "0"), ("gsm7", True, "1"), ("ucs2", False, "2"), ("ucs2", True, "6")],
)
def test_type_follows_encoding_and_flash(canned, encoding, flash, expected):
    backend, recorder = canned("1701|2348012345671|x")
    backend.send_batch([sms(1, "+2348012345671", encoding=encoding, flash=flash)])
    assert recorder.params()["type"] == expected


def test_messages_of_different_types_do_not_share_a_request(backend, sim):
    backend.send_batch([sms(1, "+2348012345671"), sms(2, "+2348012345672", flash=True), sms(3, "+2348012345673", encoding="ucs2")])
    assert sim.requests == 3


def test_comma_separated_reply_entries_map_to_each_destination(canned):
    backend, _ = canned("1701|2348012345672|id-two,1706|2348012345673,1701|2348012345671|id-one")
    results = by_id(backend.send_batch([sms(1, "+2348012345671"), sms(2, "+2348012345672"), sms(3, "+2348012345673")]))
    assert (results[1].status, results[1].provider_message_id) == (MessageStatus.SUBMITTED, "id-one")
    assert (results[2].status, results[2].provider_message_id) == (MessageStatus.SUBMITTED, "id-two")
    assert results[3].status == MessageStatus.FAILED
    assert (results[3].error.code, results[3].error.raw_code) == (ErrorCode.INVALID_NUMBER, "1706")


def test_line_separated_reply_entries_are_read_too(canned):
    backend, _ = canned("1701|2348012345671|a\r\n1701|2348012345672|b\n")
    results = by_id(backend.send_batch([sms(1, "+2348012345671"), sms(2, "+2348012345672")]))
    assert [results[1].provider_message_id, results[2].provider_message_id] == ["a", "b"]


def test_destination_colon_message_id_variant(canned):
    backend, _ = canned("1701|2348012345671:abc-123")
    [result] = backend.send_batch([sms(1, "+2348012345671")])
    assert result.provider_message_id == "abc-123"


def test_a_reformatted_destination_is_paired_in_order(canned):
    backend, _ = canned("1701|8012345671|a,1701|8012345672|b")
    results = by_id(backend.send_batch([sms(1, "+2348012345671"), sms(2, "+2348012345672")]))
    assert [results[1].provider_message_id, results[2].provider_message_id] == ["a", "b"]


def test_a_bare_code_answers_for_the_whole_request(canned):
    backend, _ = canned("1725")
    results = backend.send_batch([sms(1, "+2348012345671"), sms(2, "+2348012345672")])
    assert all(r.error.code == ErrorCode.INSUFFICIENT_BALANCE and r.error.error_class == ErrorClass.ACCOUNT for r in results)
    assert all(r.status == MessageStatus.QUEUED for r in results)


def test_a_destination_the_reply_forgets_is_unknown(canned):
    backend, _ = canned("1701|2348012345671|a,1701|2348012345679|z,1701|2348012345678|y")
    results = by_id(backend.send_batch([sms(1, "+2348012345671"), sms(2, "+2348012345672")]))
    assert results[1].status == MessageStatus.SUBMITTED
    assert results[2].status == MessageStatus.UNKNOWN and results[2].error.error_class == ErrorClass.AMBIGUOUS


def test_an_unreadable_200_reply_is_unknown_and_an_http_error_retryable(canned):
    backend, _ = canned("<html>hello</html>", (503, "busy"))
    [first] = backend.send_batch([sms(1, "+2348012345671", "a")])
    [second] = backend.send_batch([sms(2, "+2348012345671", "b")])
    assert first.status == MessageStatus.UNKNOWN
    assert second.retryable


def test_timeout_is_unknown_and_refused_connection_retryable():
    def timeout(request):
        raise httpx.ReadTimeout("slow", request=request)

    def refused(request):
        raise httpx.ConnectError("no", request=request)

    [slow] = backend_on(httpx.MockTransport(timeout)).send_batch([sms(1, "+2348012345671")])
    [down] = backend_on(httpx.MockTransport(refused)).send_batch([sms(1, "+2348012345671")])
    assert slow.status == MessageStatus.UNKNOWN
    assert down.retryable


def test_a_number_too_short_fails_without_a_request(backend, sim):
    [result] = backend.send_batch([sms(1, "+123")])
    assert result.status == MessageStatus.FAILED and result.error.code == ErrorCode.INVALID_NUMBER
    assert sim.requests == 0


def test_batches_are_cut_at_bulk_size(backend, sim):
    results = backend.send_batch([sms(i, f"+23480{i:08d}1") for i in range(backend.bulk_size + 1)])
    assert sim.requests == 2 and all(r.status == MessageStatus.SUBMITTED for r in results)


def test_a_long_unicode_text_keeps_the_url_under_budget(canned):
    from providers.unified.backend import MAX_URL

    backend, recorder = canned("1701|2348012345671|x")
    backend.send_batch([sms(i, f"+23480{i:08d}1", "Ж" * 1000, encoding="ucs2") for i in range(100)])
    assert len(recorder.requests) > 1
    assert all(len(str(r.url)) <= MAX_URL for r in recorder.requests)


def test_through_the_simulator_each_destination_is_counted_once(backend, sim):
    results = by_id(backend.send_batch([sms(1, "+2348012345671"), sms(2, "+2348012340000"), sms(3, "+2348012345679")]))
    assert results[1].status == results[3].status == MessageStatus.SUBMITTED
    assert results[2].status == MessageStatus.FAILED and results[2].error.raw_code == "1706"
    assert sim.submissions == {"2348012345671": 1, "2348012345679": 1}


def test_password_is_redacted_in_the_http_log(canned):
    backend, _ = canned("1701|2348012345671|x")
    backend.send_batch([sms(1, "+2348012345671")])
    [call] = backend.http.calls
    assert "s3cret" not in call.url and "password=***" in call.url
