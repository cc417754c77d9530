"""Login throttling (django-axes): per username and per IP, a lock time, a clear message."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from campaigns.models import AuditEvent
from tests.conftest import PASSWORD

LOCKED = "Too many failed attempts. Try again in 15 minutes."


def attempt(client: Client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.fixture
def limit(settings) -> int:
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    return 5


def test_locks_the_username_after_the_limit_and_refuses_the_right_password(world, limit):
    client = Client()
    for _ in range(limit - 1):
        response = attempt(client, "marketer@acme.test", "wrong-guess")
        assert response.status_code == 200 and LOCKED not in response.content.decode()
    response = attempt(client, "marketer@acme.test", "wrong-guess")
    assert response.status_code == 429 and LOCKED in response.content.decode()
    # The right password from another IP is still refused while the username is locked.
    response = attempt(Client(), "marketer@acme.test", PASSWORD, ip="10.9.9.9")
    assert response.status_code == 429 and LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session
    # One audit record per attempt (the lockout page does not try the password again).
    assert AuditEvent.objects.filter(action="login.failed").count() == limit + 1
    locked = AuditEvent.objects.filter(action="login.failed").latest("id")
    assert locked.changes["locked_out"] is True and locked.ip == "10.9.9.9"


def test_unlocks_after_the_cool_off(world, limit):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(limit):
            attempt(Client(), "marketer@acme.test", "wrong-guess")
        assert attempt(Client(), "marketer@acme.test", PASSWORD).status_code == 429
    with time_machine.travel(start + timedelta(minutes=14), tick=False):
        assert attempt(Client(), "marketer@acme.test", PASSWORD).status_code == 429
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        response = attempt(Client(), "marketer@acme.test", PASSWORD)
        assert response.status_code == 302 and response["Location"] == "/"


def test_locks_an_ip_across_usernames(world, limit):
    for n in range(limit):
        attempt(Client(), f"nobody{n}@acme.test", "wrong-guess", ip="10.6.6.6")
    # Another user's right password from that IP is refused...
    response = attempt(Client(), "admin@acme.test", PASSWORD, ip="10.6.6.6")
    assert response.status_code == 429 and LOCKED in response.content.decode()
    # ...and the same user from elsewhere logs in.
    assert attempt(Client(), "admin@acme.test", PASSWORD, ip="10.7.7.7").status_code == 302


def test_a_success_before_the_limit_resets_the_count(world, limit):
    for _ in range(limit - 1):
        attempt(Client(), "viewer@acme.test", "wrong-guess")
    assert attempt(Client(), "viewer@acme.test", PASSWORD).status_code == 302
    for _ in range(limit - 1):
        attempt(Client(), "viewer@acme.test", "wrong-guess")
    assert attempt(Client(), "viewer@acme.test", PASSWORD).status_code == 302
