"""Django admin: superusers only, every model registered, secrets never shown."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client

from campaigns.models import LedgerEntry
from tests.conftest import login_with_second_factor, make_connection

pytestmark = pytest.mark.django_db

SECRET = "django-admin-must-not-show-this-key"


@pytest.fixture
def superuser_client(db) -> Client:
    user = get_user_model().objects.create_superuser(username="root", email="root@ops.test", password="x-pass-1")
    return login_with_second_factor(user)


def test_every_model_is_registered():
    for app in ("campaigns", "providers"):
        for model in apps.get_app_config(app).get_models():
            assert admin.site.is_registered(model), model.__name__


def test_account_admin_and_staff_are_refused(world, admin_client):
    assert admin_client.get("/django-admin/").status_code == 302
    staff = get_user_model().objects.create_user(username="staff", password="x-pass-1", is_staff=True)
    client = Client()
    client.force_login(staff)
    assert client.get("/django-admin/").status_code == 302
    assert client.get("/django-admin/campaigns/account/").status_code == 302


def test_superuser_opens_every_changelist(world, superuser_client):
    for app in ("campaigns", "providers"):
        for model in apps.get_app_config(app).get_models():
            base = f"/django-admin/{app}/{model._meta.model_name}/"
            assert superuser_client.get(base).status_code == 200, base


def test_connection_credentials_never_shown(world, superuser_client):
    conn = make_connection(world.account, "vt", credentials={"apikey": SECRET})
    for url in ("/django-admin/providers/providerconnection/", f"/django-admin/providers/providerconnection/{conn.pk}/change/"):
        page = superuser_client.get(url).content.decode()
        assert SECRET not in page and conn.credentials_encrypted not in page


def test_ledger_entries_cannot_be_edited_or_deleted(world, superuser_client):
    entry = LedgerEntry.objects.create(account=world.account, kind="topup", amount=5, balance_after=5)
    response = superuser_client.post(f"/django-admin/campaigns/ledgerentry/{entry.pk}/change/", {"amount": "500"})
    entry.refresh_from_db()
    assert entry.amount == 5 and response.status_code in (200, 403)
