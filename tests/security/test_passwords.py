"""Strong passwords: refused on the portal's pages and by create_account; password reset by e-mail."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client

from campaigns.models import Account


@pytest.mark.parametrize(
    "password",
    ["a", "Summer2026", "summer2026!", "December25", "Password1", "marketer@acme.test", "Marketer2026xx", "12345678901", "qwertyuiop"],
)
def test_weak_passwords_are_refused(world, password):
    with pytest.raises(ValidationError):
        validate_password(password, world.marketer)


@pytest.mark.parametrize("password", ["correct-horse-battery", "Tulip-river-1987-lamp", "Summer in Lahore 2026 was hot"])
def test_strong_passwords_pass(world, password):
    validate_password(password, world.marketer)


def test_the_change_password_page_refuses_the_users_email(marketer_client):
    response = marketer_client.post(
        "/password/",
        {"old_password": "correct-horse-battery", "new_password1": "marketer@acme.test", "new_password2": "marketer@acme.test"},
    )
    assert response.status_code == 200 and "must not contain your e-mail" in response.content.decode()


def test_create_account_refuses_a_weak_password(db):
    for weak in ["a", "Summer2026", "boss@corp.test"]:
        with pytest.raises(CommandError, match="too weak"):
            call_command("create_account", "Corp", "--admin", "boss@corp.test", "--password", weak)
    assert not Account.objects.filter(name="Corp").exists()


def test_password_reset_by_email(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client = Client()
    page = client.get("/login/").content.decode()
    assert 'href="/password/reset/"' in page
    response = client.post("/password/reset/", {"email": "marketer@acme.test"})
    assert response["Location"] == "/password/reset/sent/"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["marketer@acme.test"]
    link = re.search(r"http://testserver(/password/reset/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]  # Django swaps the token for a session marker
    weak = client.post(form_url, {"new_password1": "Summer2026", "new_password2": "Summer2026"})
    assert weak.status_code == 200 and "too predictable" in weak.content.decode()
    done = client.post(form_url, {"new_password1": "a-fresh-lantern-77", "new_password2": "a-fresh-lantern-77"})
    assert done["Location"] == "/password/reset/done/"
    assert get_user_model().objects.get(email="marketer@acme.test").check_password("a-fresh-lantern-77")


def test_password_reset_says_nothing_about_unknown_addresses(db, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = Client().post("/password/reset/", {"email": "nobody@nowhere.test"})
    assert response["Location"] == "/password/reset/sent/" and len(mail.outbox) == 0


def test_email_url_configures_smtp(monkeypatch):
    import importlib

    import portal.settings as portal_settings

    monkeypatch.setenv("EMAIL_URL", "smtp+tls://mailer:pw@mail.example.test:587")
    reloaded = importlib.reload(portal_settings)
    try:
        assert reloaded.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"
        assert reloaded.EMAIL_HOST == "mail.example.test" and reloaded.EMAIL_PORT == 587 and reloaded.EMAIL_USE_TLS is True
    finally:
        monkeypatch.delenv("EMAIL_URL")
        importlib.reload(portal_settings)
