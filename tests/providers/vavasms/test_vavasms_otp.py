"""OTP send and verify (/api/v1/otp/send, /api/v1/otp/verify)."""

from __future__ import annotations

from providers.base import ErrorClass, ErrorCode

DOC_OTP_SENT = """{
"code": 0,
"message": "OPERATION_SUCCES",
"data": {
"message_id": "OTP-20190621-2234509",
"description": "OTP envoyé avec succès"
}
}"""
DOC_OTP_OK = """{
"code": 0,
"message": "OPERATION_SUCCES",
"data": {
"message_id": "OTP-20190621-2250698",
"status": "success"
}
}"""
DOC_INVALID_OTP = """{
"code": 913,
"message": "INVALID_OTP",
"description": "vavasms.INVALID_OTP",
"data": []
}"""


def test_otp_send_request_and_reply(canned):
    backend, recorder = canned(DOC_OTP_SENT)
    result = backend.otp_generate("+22509000001", length=6, expiry_minutes=10, message="Code: {code}")
    assert str(recorder.requests[0].url) == "http://sim.test/vavasms/v1/otp/send"
    assert recorder.form() == {
        "username": "client@acme.test",
        "password": "s3cret",
        "sender_id": "ACME",
        "phone": "22509000001",
        "otp_length": "6",
        "otp_expiry": "10",
        "message": "Code: ##OTP##",
    }
    assert result.ok and result.message_id == "OTP-20190621-2234509"
    assert result.reference == "+22509000001"  # VavaSMS verifies by phone


def test_otp_send_with_defaults_sends_only_required_fields(canned):
    backend, recorder = canned(DOC_OTP_SENT)
    backend.otp_generate("+22509000001")
    assert set(recorder.form()) == {"username", "password", "sender_id", "phone"}


def test_otp_verify_request_and_reply(canned):
    backend, recorder = canned(DOC_OTP_OK)
    result = backend.otp_verify("+22509000001", "1234")
    assert str(recorder.requests[0].url) == "http://sim.test/vavasms/v1/otp/verify"
    assert recorder.form() == {
        "username": "client@acme.test",
        "password": "s3cret",
        "sender_id": "ACME",
        "phone": "22509000001",
        "otp": "1234",
    }
    assert result.ok and result.message_id == "OTP-20190621-2250698"


def test_wrong_code_is_913(canned):
    backend, _ = canned(DOC_INVALID_OTP)
    result = backend.otp_verify("+22509000001", "0000")
    assert not result.ok
    assert (result.error.code, result.error.error_class, result.error.raw_code) == (ErrorCode.REJECTED, ErrorClass.PERMANENT, "913")


def test_otp_errors_come_back_as_results(canned):
    backend, _ = canned('{"code": "902", "status": "INVALID_SENDER_ID", "description": "Le sender_id n’existe pas",}')
    result = backend.otp_generate("+22509000001")
    assert not result.ok and result.error.code == ErrorCode.SENDER_INVALID


def test_round_trip_through_the_simulator(backend, sim):
    sent = backend.otp_generate("+22509000001", length=5)
    assert sent.ok
    code, _ = sim.otps["22509000001"]
    assert len(code) == 5
    assert not backend.otp_verify(sent.reference, "wrong").ok
    assert backend.otp_verify(sent.reference, code).ok
    assert not backend.otp_verify(sent.reference, code).ok  # used once


def test_length_is_kept_within_what_vavasms_accepts(canned):
    backend, recorder = canned(DOC_OTP_SENT)
    backend.otp_generate("+22509000001", length=12)
    assert recorder.form()["otp_length"] == "9"
    backend.otp_generate("+22509000001", length=2)
    assert recorder.form()["otp_length"] == "4"


def test_simulator_refuses_a_message_without_the_tag(backend):
    response = backend.http.post(
        "http://sim.test/vavasms/v1/otp/send",
        data={"username": "u@x", "password": "p", "sender_id": "ACME", "phone": "22509000001", "message": "no tag"},
    )
    assert response.json()["code"] == 709
