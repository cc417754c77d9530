"""OTP: our own codes (hashed, expiring, limited attempts) over SMS or voice, and the provider's OTP."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import Message, OtpRequest, SenderID
from campaigns.services import otp as otp_service
from tests.api.conftest import assert_access, error_of
from tests.conftest import make_connection

URL = "/api/v1/otp"
TO = "+923001234512"


@pytest.fixture
def send_otp(api, approved_sender, simulators, django_capture_on_commit_callbacks):
    def send(body: dict | None = None, client=None):
        with django_capture_on_commit_callbacks(execute=True):
            return (client or api).post(URL, {"to": TO, **(body or {})})

    return send


def sent_code(otp_id: int) -> str:
    message = Message.objects.get(pk=OtpRequest.objects.get(pk=otp_id).message_id)
    return re.search(r"\d{4,9}", message.text).group()


def test_generate_sends_a_hashed_code_and_verify_accepts_it_once(api, send_otp, simulators):
    response = send_otp({"text": "Your Acme code: {code}"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "pending" and body["attempts_left"] == 5 and not body["provider_otp"]
    otp = OtpRequest.objects.get(pk=body["id"])
    code = sent_code(otp.pk)
    assert len(code) == 6 and code not in otp.code_hash and otp.message.text == f"Your Acme code: {code}"
    assert simulators["vt"].stats()["submissions"] == 1
    ok = api.post(f"{URL}/verify", {"id": otp.pk, "code": code}).json()
    assert ok == {"id": otp.pk, "verified": True, "status": "verified", "attempts_left": 4}
    again = api.post(f"{URL}/verify", {"id": otp.pk, "code": code}).json()
    assert again["verified"] is False and again["status"] == "already_verified"


def test_wrong_codes_use_up_the_attempts(api, send_otp):
    otp_id = send_otp({"max_attempts": 2}).json()["id"]
    code = sent_code(otp_id)
    wrong = "000000" if code != "000000" else "111111"
    assert api.post(f"{URL}/verify", {"id": otp_id, "code": wrong}).json()["status"] == "invalid_code"
    assert api.post(f"{URL}/verify", {"id": otp_id, "code": wrong}).json() == {
        "id": otp_id, "verified": False, "status": "invalid_code", "attempts_left": 0
    }  # fmt: skip
    # The right code after the limit is refused too.
    assert api.post(f"{URL}/verify", {"id": otp_id, "code": code}).json()["status"] == "too_many_attempts"


def test_expired_code_is_refused(api, send_otp):
    otp_id = send_otp().json()["id"]
    OtpRequest.objects.filter(pk=otp_id).update(expires_at=timezone.now() - timedelta(seconds=1))
    result = api.post(f"{URL}/verify", {"id": otp_id, "code": sent_code(otp_id)}).json()
    assert result["verified"] is False and result["status"] == "expired"


def test_verify_by_number_uses_the_latest(api, send_otp):
    send_otp()
    latest = send_otp().json()["id"]
    result = api.post(f"{URL}/verify", {"to": TO, "code": sent_code(latest)}).json()
    assert result["id"] == latest and result["verified"] is True


def test_voice_otp_speaks_the_code(api, world, vt_connection, send_otp):
    SenderID.objects.create(account=world.account, channel="voice", value="VT-vOTP", status="approved")
    otp_id = send_otp({"channel": "voice"}).json()["id"]
    message = OtpRequest.objects.get(pk=otp_id).message
    assert message.channel == "voice" and message.payload == {"kind": "otp"} and message.text.isdigit()


def test_bad_requests(api, send_otp, world):
    assert error_of(api.post(URL, {"to": "123"}))["fields"].get("to")
    assert api.post(URL, {"to": TO, "length": 3}).status_code == 400
    missing = api.post(f"{URL}/verify", {"code": "123456"})
    assert missing.status_code == 400 and "id" in error_of(missing)["fields"]
    assert api.post(f"{URL}/verify", {"id": 999999, "code": "123456"}).status_code == 404
    assert api.post(f"{URL}/verify", {"id": 1, "code": "12ab"}).status_code == 400
    unsupported = api.post(URL, {"to": TO, "use_provider_otp": True})
    assert unsupported.status_code == 422 and error_of(unsupported)["code"] == "otp_not_supported"


def test_provider_otp(api, world, simulators, django_capture_on_commit_callbacks):
    connection = make_connection(
        world.account, "vavasms", base_url="http://sim.test/vavasms", credentials={"username": "ops@acme.test", "password": "pw"},
        settings={"sender_id": "ACME"},
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(URL, {"to": "+2250712345612", "use_provider_otp": True, "connection": connection.pk, "length": 5})
    assert response.status_code == 201, response.content
    otp = OtpRequest.objects.get(pk=response.json()["id"])
    assert response.json()["provider_otp"] is True and otp.code_hash == "" and otp.provider_reference
    code, _ = simulators["vavasms"].otps["2250712345612"]
    assert len(code) == 5
    assert api.post(f"{URL}/verify", {"id": otp.pk, "code": "0" * 5 if code != "00000" else "11111"}).json()["status"] == "invalid_code"
    assert api.post(f"{URL}/verify", {"id": otp.pk, "code": code}).json()["verified"] is True


def test_code_hash_comparison():
    stored = otp_service.hash_code("123456")
    assert otp_service.code_matches(stored, "123456") and otp_service.code_matches(stored, " 123456 ")
    assert not otp_service.code_matches(stored, "123457") and not otp_service.code_matches("", "123456")
    assert otp_service.hash_code("123456") != stored  # salted


def test_access_control(apis, world, vt_connection, send_otp):
    otp_id = send_otp().json()["id"]
    assert_access(f"{URL}/{otp_id}", apis)
    assert apis["outsider"].post(f"{URL}/verify", {"id": otp_id, "code": "123456"}).status_code == 404
    assert apis["sub"].get(f"{URL}/{otp_id}").status_code == 404  # an account-wide OTP
    assert apis["ro"].post(URL, {"to": TO}).status_code == 403
    mine = send_otp(client=apis["sub"]).json()["id"]
    assert OtpRequest.objects.get(pk=mine).subaccount == world.subaccount
