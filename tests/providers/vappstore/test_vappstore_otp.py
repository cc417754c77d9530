"""CaaS OTP: otpGeneration / otpVerify and the chargingNotification that follows.
The simulator's OTP is the last six digits of the subscriber's number."""

from __future__ import annotations

import httpx
import pytest

from providers.base import ErrorClass, ErrorCode, WebhookRequest
from tests.providers.vappstore.helpers import Recorder, make_backend, replying, sent_json

NUMBER = "+6792870940"
# The document's otpGeneration response sample.
DOC_GENERATION_REPLY = {
    "timeStamp": "2023-11-08T08:02:16.913Z",
    "externalTrxId": "256091232",
    "statusDetail": "Request successfully proceed. OTP will send to user.",
    "requestCorrelator": "6792870940169943053700500040",
    "internalTrxId": "9110808020001876",
    "statusCode": "P1003",
}


@pytest.fixture
def recorder(sim) -> Recorder:
    return Recorder({"vappstore": sim})


@pytest.fixture
def otp_backend(recorder):
    return make_backend(recorder, otp_amount="5")


def test_generation_request_matches_the_document(otp_backend, recorder):
    result = otp_backend.otp_generate(NUMBER, external_trx_id="256091232")
    assert recorder.requests[0].url.path == "/vappstore/caas/otpGeneration"
    assert sent_json(recorder.requests[0]) == {
        "applicationId": "APP_999999",
        "password": "password",
        "externalTrxId": "256091232",
        "amount": "5.00",
        "paymentInstrumentName": "Mobile Account",
        "subscriberId": "tel:6792870940",
        "Currency": "FJD",
    }
    assert result.ok
    assert result.reference.endswith(":6792870940")
    assert result.message_id


def test_documents_p1003_reply_is_success():
    transport, _ = replying(httpx.Response(200, json=DOC_GENERATION_REPLY))
    result = make_backend(transport).otp_generate(NUMBER, amount="5.00")
    assert result.ok
    assert result.reference == "6792870940169943053700500040:6792870940"
    assert result.message_id == "9110808020001876"


def test_verify_request_and_success(otp_backend, recorder, sim):
    reference = otp_backend.otp_generate(NUMBER).reference
    result = otp_backend.otp_verify(reference, "870940")
    assert result.ok
    body = sent_json(recorder.requests[1])
    assert recorder.requests[1].url.path == "/vappstore/caas/otpVerify"
    assert body == {
        "applicationId": "APP_999999",
        "password": "password",
        "referenceNo": reference.split(":")[0],
        "otp": "870940",
        "sourceAddress": "tel:6792870940",
    }


def test_successful_verify_posts_a_charging_notification(otp_backend, sim):
    reference = otp_backend.otp_generate(NUMBER).reference
    otp_backend.otp_verify(reference, "870940")
    [out] = sim.drain()
    assert out.url.endswith("/charging/")
    [event] = otp_backend.parse_webhook(WebhookRequest("POST", "charging", out.content_type, out.body)).events
    assert event.kind == "charging"
    assert event.data["ok"] is True
    assert event.data["reference"] == reference.split(":")[0]
    assert event.data["paid_amount"] == "5.00"


def test_wrong_code_fails(otp_backend, sim):
    reference = otp_backend.otp_generate(NUMBER).reference
    result = otp_backend.otp_verify(reference, "000000")
    assert not result.ok
    assert (result.error.raw_code, result.error.error_class) == ("E1337", ErrorClass.PERMANENT)
    assert sim.drain() == []


def test_a_code_works_once(otp_backend):
    reference = otp_backend.otp_generate(NUMBER).reference
    assert otp_backend.otp_verify(reference, "870940").ok
    again = otp_backend.otp_verify(reference, "870940")
    assert (again.ok, again.error.raw_code) == (False, "E1379")


def test_unknown_reference_fails(otp_backend):
    result = otp_backend.otp_verify("123:6792870940", "870940")
    assert (result.ok, result.error.raw_code) == (False, "E1370")


def test_verify_with_an_explicit_number_and_plain_reference():
    transport, seen = replying(httpx.Response(200, json={"statusCode": "S1000", "statusDetail": "Success"}))
    assert make_backend(transport).otp_verify("6792870940169943053700500040", "123456", to=NUMBER).ok
    assert sent_json(seen[0])["sourceAddress"] == "tel:6792870940"
    assert sent_json(seen[0])["referenceNo"] == "6792870940169943053700500040"


def test_verify_reply_echoing_the_request_as_the_document_shows_is_not_success():
    echo = {
        "applicationId": "APP_000XXX",
        "password": "Your API Key",
        "referenceNo": "1",
        "otp": "xxxxxx",
        "sourceAddress": "tel: 6792870940",
    }
    transport, _ = replying(httpx.Response(200, json=echo))
    result = make_backend(transport).otp_verify("1:6792870940", "123456")
    assert not result.ok
    assert result.error.error_class == ErrorClass.AMBIGUOUS


def test_an_unset_amount_charges_the_default(recorder):
    assert make_backend(recorder, otp_amount=None).otp_generate(NUMBER).ok
    assert sent_json(recorder.requests[0])["amount"] == "1.00"


def test_an_emptied_amount_disables_the_charge(recorder):
    result = make_backend(recorder, otp_amount="").otp_generate(NUMBER)
    assert not result.ok
    assert result.error.code == ErrorCode.BAD_REQUEST
    assert "amount" in result.error.message
    assert recorder.requests == []


def test_option_amount_overrides_the_setting(otp_backend, recorder):
    otp_backend.otp_generate(NUMBER, amount="1.5", payment_instrument="Wallet")
    body = sent_json(recorder.requests[0])
    assert (body["amount"], body["paymentInstrumentName"]) == ("1.50", "Wallet")


def test_invalid_number_and_currency_are_refused(otp_backend):
    assert otp_backend.otp_generate("+6792870000").error.code == ErrorCode.INVALID_NUMBER
    assert otp_backend.otp_generate(NUMBER, currency="USD").error.raw_code == "E1380"


def test_bad_credentials_are_an_account_error(sim):
    backend = make_backend(Recorder({"vappstore": sim}), credentials={"applicationId": "badapp", "password": "x"}, otp_amount="1")
    result = backend.otp_generate(NUMBER)
    assert (result.ok, result.error.error_class) == (False, ErrorClass.ACCOUNT)


def test_a_reply_without_request_correlator_cannot_be_verified_later():
    transport, _ = replying(httpx.Response(200, json={"statusCode": "P1003", "statusDetail": "OTP will send to user."}))
    result = make_backend(transport).otp_generate(NUMBER, amount="1")
    assert not result.ok and "requestCorrelator" in result.error.message
