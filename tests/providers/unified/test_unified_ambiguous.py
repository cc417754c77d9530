"""1715 (response timeout) leaves a message unknown and it is never resubmitted; 1709 is retried."""

from __future__ import annotations

from providers.base import ErrorClass, ErrorCode, MessageStatus
from tests.providers.unified.conftest import by_id, sms


def test_1715_is_unknown_and_not_retryable(canned):
    backend, recorder = canned("1715|2348012345671")
    [result] = backend.send_batch([sms(1, "+2348012345671")])
    assert result.status == MessageStatus.UNKNOWN
    assert (result.error.code, result.error.error_class, result.error.raw_code) == (ErrorCode.TIMEOUT, ErrorClass.AMBIGUOUS, "1715")
    assert not result.retryable
    assert len(recorder.requests) == 1  # not resubmitted by the backend


def test_1715_for_one_destination_leaves_the_others_alone(canned):
    backend, recorder = canned("1701|2348012345671|ok-1,1715|2348012345672")
    results = by_id(backend.send_batch([sms(1, "+2348012345671"), sms(2, "+2348012345672")]))
    assert results[1].status == MessageStatus.SUBMITTED
    assert results[2].status == MessageStatus.UNKNOWN
    assert len(recorder.requests) == 1


def test_bare_1715_makes_the_whole_request_unknown(canned):
    backend, _ = canned("1715")
    results = backend.send_batch([sms(1, "+2348012345671"), sms(2, "+2348012345672")])
    assert {r.status for r in results} == {MessageStatus.UNKNOWN}


def test_1709_is_left_queued_for_a_retry(canned):
    backend, recorder = canned("1709")
    [result] = backend.send_batch([sms(1, "+2348012345671")])
    assert result.retryable and result.status == MessageStatus.QUEUED
    assert len(recorder.requests) == 1  # retrying is the pipeline's job, with backoff


def test_every_other_error_is_final_or_account_level(canned):
    for code in ("1702", "1710", "69", "8", "1041"):
        backend, _ = canned(code)
        [result] = backend.send_batch([sms(1, "+2348012345671")])
        assert result.status == MessageStatus.FAILED, code
