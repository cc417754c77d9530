"""TOTP two-factor: enrolment (QR and key shown, confirmed with a code), log in with a code,
log in with a recovery code (once), an account that requires it, platform staff, API keys."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from campaigns.models import ApiKey, AuditEvent
from campaigns.models.api import hash_key
from tests.conftest import PASSWORD, login


def code_for(device: TOTPDevice, offset_steps: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset_steps * device.step
    return f"{totp.token():06d}"


def password_login(email: str, next_url: str = "") -> tuple[Client, object]:
    client = Client()
    data = {"username": email, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client, client.post("/login/", data)


def enrol(client: Client, user) -> tuple[TOTPDevice, list[str]]:
    response = client.get("/account/security/")
    page = response.content.decode()
    assert "<svg" in page and "totp-secret" in page and "no-store" in response["Cache-Control"]
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    start = timezone.now()
    with time_machine.travel(start, tick=False):  # the clock stands still: the wait below cannot run out
        wrong = client.post("/account/security/", {"code": "000000" if code_for(device) != "000000" else "111111"})
        assert "That code is not right" in wrong.content.decode()
        assert "Too many wrong codes" in client.post("/account/security/", {"code": code_for(device)}).content.decode()
    with time_machine.travel(start + timedelta(seconds=2), tick=False):  # django-otp's wait after a wrong code
        done = client.post("/account/security/", {"code": code_for(device)})
    codes = re.findall(r"<li>([a-z0-9]{8})</li>", done.content.decode())
    device.refresh_from_db()
    return device, codes


def test_enrolment_shows_a_qr_and_confirms_with_a_code(world):
    client = login(world.marketer)
    device, codes = enrol(client, world.marketer)
    assert device.confirmed and len(codes) == 10
    assert StaticToken.objects.filter(device__user=world.marketer).count() == 10
    assert AuditEvent.objects.filter(action="mfa.enabled", user=world.marketer).count() == 1
    # Shown once: the security page now says it is on and shows neither key nor codes.
    page = client.get("/account/security/").content.decode()
    assert "Two-factor authentication is on" in page and codes[0] not in page and "totp-secret" not in page


def test_login_with_a_code(world):
    device, _ = enrol(login(world.marketer), world.marketer)
    client, response = password_login("marketer@acme.test", "/campaigns/")
    assert response["Location"] == "/login/verify/?next=%2Fcampaigns%2F"
    assert (
        client.get("/campaigns/?status=draft")["Location"] == "/login/verify/?next=%2Fcampaigns%2F%3Fstatus%3Ddraft"
    )  # nothing before the code
    assert client.get("/api/v1/balance").status_code in (401, 403)  # nor the session API
    bad = client.post("/login/verify/", {"code": "12345", "next": "/campaigns/"})
    assert bad.status_code == 200 and "not right" in bad.content.decode()
    with time_machine.travel(timezone.now() + timedelta(seconds=35)):  # a step after the one enrolment used
        ok = client.post("/login/verify/", {"code": code_for(device), "next": "/campaigns/"})
    assert ok["Location"] == "/campaigns/"
    assert client.get("/campaigns/").status_code == 200
    assert AuditEvent.objects.filter(action="login.mfa", user=world.marketer).count() == 1


def test_login_with_a_recovery_code_works_once(world):
    _, codes = enrol(login(world.marketer), world.marketer)
    client, _ = password_login("marketer@acme.test")
    assert client.post("/login/verify/", {"code": codes[3].upper()})["Location"] == "/"
    assert client.get("/").status_code == 200
    assert StaticToken.objects.filter(device__user=world.marketer).count() == 9
    again, _ = password_login("marketer@acme.test")
    response = again.post("/login/verify/", {"code": codes[3]})
    assert response.status_code == 200 and "not right" in response.content.decode()
    assert again.get("/")["Location"].startswith("/login/verify/")


def test_an_account_admin_requires_two_factor_for_the_account(world):
    admin = Client()
    admin.post("/login/", {"username": "admin@acme.test", "password": PASSWORD})
    marketer = login(world.marketer)
    assert marketer.post("/account/security/policy/", {"require_mfa": "on"}).status_code == 403
    assert admin.post("/account/security/policy/", {"require_mfa": "on"})["Location"] == "/account/security/"
    world.account.refresh_from_db()
    assert world.account.require_mfa
    assert AuditEvent.objects.filter(action="account.require_mfa", user=world.admin).count() == 1
    # A user without a device is sent to enrolment after login, and to nothing else.
    client, _ = password_login("viewer@acme.test")
    assert client.get("/")["Location"] == "/account/security/"
    assert client.get("/contacts/")["Location"] == "/account/security/"
    page = client.get("/account/security/").content.decode()
    assert "Your account requires two-factor" in page
    device, _ = enrol(client, world.viewer)
    assert client.get("/").status_code == 200
    # Once required, it cannot be turned off.
    client.post("/account/security/disable/", {"code": code_for(device, 1)})
    assert TOTPDevice.objects.filter(user=world.viewer, confirmed=True).exists()
    # Other accounts are not affected.
    outsider, _ = password_login("admin@globex.test")
    assert outsider.get("/").status_code == 200


def test_platform_staff_always_need_two_factor(world):
    world.outsider.is_staff = True
    world.outsider.save()
    client, _ = password_login("admin@globex.test")
    assert client.get("/")["Location"] == "/account/security/"
    assert client.get("/django-admin/")["Location"] == "/account/security/"


def test_api_keys_are_unaffected(world):
    world.account.require_mfa = True
    world.account.save()
    raw = "cpk_test_" + "x" * 30
    ApiKey.objects.create(account=world.account, name="CI", prefix=raw[:12], key_hash=hash_key(raw))
    response = Client().get("/api/v1/balance", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200


def test_turning_off_needs_a_current_code(world):
    client = login(world.marketer)
    device, _ = enrol(client, world.marketer)
    client.post("/account/security/disable/", {"code": "000000"})
    assert TOTPDevice.objects.filter(user=world.marketer).exists()
    with time_machine.travel(timezone.now() + timedelta(seconds=35)):  # past the wait, a step after enrolment's
        client.post("/account/security/disable/", {"code": code_for(device)})
    assert not TOTPDevice.objects.filter(user=world.marketer).exists()
    assert AuditEvent.objects.filter(action="mfa.disabled").count() == 1


@pytest.mark.parametrize("path", ["/account/security/", "/login/verify/"])
def test_pages_need_a_login(client, db, path):
    assert client.get(path)["Location"].startswith("/login/")
