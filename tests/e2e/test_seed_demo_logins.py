"""seed_demo's logins and first replies: a viewer and a platform-staff login are seeded and
printed; a password changed in the portal survives the next run (--reset-passwords sets it
back); the inbox starts with the simulator's subscriber replies, taken in once."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command

from campaigns.management.commands.seed_demo import DEMO_REPLIES, PASSWORD
from campaigns.models import InboundMessage, Membership

pytestmark = pytest.mark.django_db


def seed(*extra: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", "--simulator-url", "http://sim.test", "--contacts", "20", *extra, stdout=out)
    return out.getvalue()


def test_logins_are_printed_and_changed_passwords_are_kept(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    printed = seed()
    for email in ("admin@demo.test", "marketer@demo.test", "viewer@demo.test", "ops@demo.test"):
        assert f"{email} / {PASSWORD}" in printed
        assert authenticate(username=email, password=PASSWORD) is not None
    assert Membership.objects.get(user__username="viewer@demo.test").role == "viewer"
    staff = get_user_model().objects.get(username="ops@demo.test")
    assert staff.is_staff and not Membership.objects.filter(user=staff).exists()

    admin = get_user_model().objects.get(username="admin@demo.test")
    admin.set_password("my-own-secret-9")
    admin.save()
    printed = seed()
    assert authenticate(username="admin@demo.test", password="my-own-secret-9") is not None
    assert "admin@demo.test / (your own password: kept" in printed
    seed("--reset-passwords")
    assert authenticate(username="admin@demo.test", password=PASSWORD) is not None


def test_the_inbox_starts_with_the_simulators_replies_once(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    seed()
    replies = InboundMessage.objects.filter(account__slug="demo")
    assert sorted(replies.values_list("from_number", "text")) == sorted(DEMO_REPLIES)
    assert all(r.contact_id for r in replies)  # matched to the demo's tester contacts
    seed()
    assert replies.count() == len(DEMO_REPLIES)
