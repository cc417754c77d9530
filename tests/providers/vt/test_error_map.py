"""Every documented ERROR_FILTER is mapped to the class its meaning calls for."""

from __future__ import annotations

import httpx
import pytest
import respx

from providers.base import Channel, ErrorClass, ErrorCode, MessageStatus, OutboundMessage
from providers.vt.errors import ERROR_FILTERS, SMS_ERROR_FILTERS, WHATSAPP_ERROR_FILTERS, classify_error
from tests.providers.vt import document
from tests.providers.vt.conftest import make_backend

A, P, R = ErrorClass.ACCOUNT, ErrorClass.PERMANENT, ErrorClass.RETRYABLE

# What each label means to a campaign, decided from the document's descriptions.
EXPECTED = {
    "ACCOUNT_BLOCKED": (ErrorCode.ACCOUNT_DISABLED, A),
    "ACCOUNT_DISABLED": (ErrorCode.ACCOUNT_DISABLED, A),
    "ACCOUNT_MISSING": (ErrorCode.AUTH_FAILED, A),
    "ACCOUNT_UNVERIFIED": (ErrorCode.NOT_ALLOWED, A),
    "BILLING_ERROR": (ErrorCode.NOT_ALLOWED, A),
    "CARRIER_ROUTING": (ErrorCode.UNSUPPORTED_DESTINATION, P),
    "CONTENT_TOO_LONG": (ErrorCode.CONTENT_INVALID, P),
    "HEADER_ID_DISABLED": (ErrorCode.SENDER_INVALID, P),
    "HEADER_ID_NOT_FOUND": (ErrorCode.SENDER_INVALID, P),
    "HEADER_ID_MISSING": (ErrorCode.SENDER_INVALID, P),
    "INVALID_API_KEY": (ErrorCode.AUTH_FAILED, A),
    "INSERTION_FAILED": (ErrorCode.PROVIDER_ERROR, R),
    "INVALID_NUMBER": (ErrorCode.INVALID_NUMBER, P),
    "INSUFFICIENT_BALANCE": (ErrorCode.INSUFFICIENT_BALANCE, A),
    "INVALID_ISO_CODE": (ErrorCode.INVALID_NUMBER, P),
    "INVALID_VOICE_CALLER_ID": (ErrorCode.SENDER_INVALID, P),
    "IP_NOT_ALLOWED": (ErrorCode.NOT_ALLOWED, A),
    "LOW_BALANCE": (ErrorCode.INSUFFICIENT_BALANCE, A),
    "NOT_FOUND": (ErrorCode.SENDER_INVALID, A),
    "PARAMETERS_MISSING": (ErrorCode.AUTH_FAILED, A),
    "REF_ID_MISSING": (ErrorCode.NOT_ALLOWED, A),
    "RECEIVER_NUMBER_MISSING": (ErrorCode.INVALID_NUMBER, P),
    "SENDER_ID_DISABLED": (ErrorCode.SENDER_INVALID, P),
    "SENDER_ID_NOT_FOUND": (ErrorCode.SENDER_INVALID, P),
    "SMS_TEXT_MISSING": (ErrorCode.CONTENT_INVALID, P),
    "SENDERID_ROUTING_FAILED": (ErrorCode.PROVIDER_ERROR, R),
    "SENDER_ID_MISSING": (ErrorCode.SENDER_INVALID, P),
    "TECHNICAL_ISSUE": (ErrorCode.PROVIDER_ERROR, R),
    "TRAFFIC_NOT_ALLOWED": (ErrorCode.NOT_ALLOWED, R),
    "UNSUPPORTED_COUNTRY": (ErrorCode.UNSUPPORTED_DESTINATION, P),
    "VOICE_FILE_NOT_FOUND": (ErrorCode.MEDIA_INVALID, P),
    "VOICE_FILE_NOT_APPROVED": (ErrorCode.MEDIA_INVALID, P),
    "User End Violation": (ErrorCode.BAD_REQUEST, P),
    "Technical Error": (ErrorCode.AUTH_FAILED, A),
}
# What the send pipeline does with each class.
STATUS_FOR_CLASS = {A: MessageStatus.FAILED, P: MessageStatus.FAILED, R: MessageStatus.QUEUED}


@pytest.mark.parametrize("label", sorted(ERROR_FILTERS))
def test_each_label_classed_as_its_meaning(label):
    error = classify_error(label, "desc", "E42")
    assert (error.code, error.error_class) == EXPECTED[label]
    assert error.raw_code == label
    assert "desc" in error.message and "E42" in error.message


def test_map_has_exactly_the_expected_labels():
    assert set(ERROR_FILTERS) == set(EXPECTED)


def test_every_sms_error_filter_of_the_document_is_mapped(seed_doc):
    labels = document.sms_error_filters(seed_doc) if seed_doc else document.SMS_ERROR_FILTERS
    assert len(labels) == 32
    unmapped = [label for label in labels if label not in SMS_ERROR_FILTERS]
    assert not unmapped, f"ERROR_FILTER labels of VT's document without a mapping: {unmapped}"


def test_every_whatsapp_error_filter_of_the_document_is_mapped(seed_doc):
    lines = document.whatsapp_error_lines(seed_doc) if seed_doc else document.WHATSAPP_ERROR_LINES
    assert lines
    unmapped = [line for line in lines if not any(line.startswith(label + " ") for label in WHATSAPP_ERROR_FILTERS)]
    assert not unmapped, f"WhatsApp error rows of VT's document without a mapping: {unmapped}"


def test_the_copied_lists_match_the_document(seed_doc):
    if not seed_doc:  # the copies are what the other tests use then
        assert document.SMS_ERROR_FILTERS
        return
    assert document.sms_error_filters(seed_doc) == document.SMS_ERROR_FILTERS
    assert document.whatsapp_error_lines(seed_doc) == document.WHATSAPP_ERROR_LINES


def test_label_is_matched_regardless_of_case_and_spaces():
    assert classify_error(" low_balance ").error_class == A
    assert classify_error("user end violation").code == ErrorCode.BAD_REQUEST


def test_undocumented_label_fails_only_the_message():
    error = classify_error("SOMETHING_NEW", "odd")
    assert (error.code, error.error_class, error.raw_code) == (ErrorCode.UNKNOWN, P, "SOMETHING_NEW")


def test_error_code_is_never_used_for_the_decision():
    # Same ERROR_CODE, different filters: the filter decides.
    assert classify_error("TECHNICAL_ISSUE", error_code="E1").error_class == R
    assert classify_error("INVALID_API_KEY", error_code="E1").error_class == A


@pytest.mark.parametrize("label", sorted(SMS_ERROR_FILTERS))
def test_send_reply_with_each_filter_gives_the_pipeline_status(label):
    reply = {"STATUS": "ERROR", "MESSAGE_ID": "", "ERROR_FILTER": label, "ERROR_CODE": "X1", "ERROR_DESCRIPTION": "d"}
    router = respx.Router(assert_all_called=True)
    router.post("http://sim.test/vt/v3/sendsms").mock(return_value=httpx.Response(200, json=reply))
    result = make_backend(httpx.MockTransport(router.handler)).send_one(OutboundMessage(1, "+923001234567", Channel.SMS, text="hi"))
    assert result.error.raw_code == label
    assert result.status == STATUS_FOR_CLASS[EXPECTED[label][1]]
    assert result.provider_message_id == ""


def test_refusals_about_vts_reach_are_route_specific_and_no_others():
    route_specific = {label for label in ERROR_FILTERS if classify_error(label).route_specific}
    assert route_specific == {"CARRIER_ROUTING", "UNSUPPORTED_COUNTRY"}
    assert classify_error("carrier_routing").error_class == P  # still fails where no other connection exists
