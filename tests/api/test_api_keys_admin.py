"""The portal's API key screens (/admin/api-keys/): admins create (key shown once), see
last use, revoke; other roles and other accounts cannot."""

from __future__ import annotations

import re

from campaigns.models import ApiKey
from campaigns.models.api import hash_key
from tests.api.conftest import Api

LIST = "/admin/api-keys/"
NEW = "/admin/api-keys/new/"


def test_admin_creates_a_key_shown_once(admin_client, world):
    response = admin_client.post(NEW, {"name": "shop backend", "subaccount": world.subaccount.pk, "read_only": "on"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    raw = re.search(r'value="(cpk_[^"]+)"', response.content.decode()).group(1)
    key = ApiKey.objects.get()
    assert key.key_hash == hash_key(raw) and key.subaccount == world.subaccount and key.read_only and key.created_by == world.admin
    listing = admin_client.get(LIST).content.decode()
    assert "shop backend" in listing and key.prefix in listing and raw not in listing and "never" in listing
    Api(raw).get("/api/v1/contacts")
    assert "ago" in admin_client.get(LIST).content.decode()  # last used shown


def test_invalid_form_is_shown_again(admin_client, world):
    other_sub = world.other_account.subaccounts.create(name="Theirs")
    response = admin_client.post(NEW, {"name": "", "subaccount": other_sub.pk})
    assert response.status_code == 400 and not ApiKey.objects.exists()


def test_revoke(admin_client, world):
    key, raw = ApiKey.generate(account=world.account, name="old")
    assert Api(raw).get("/api/v1/contacts").status_code == 200
    assert admin_client.post(f"/admin/api-keys/{key.pk}/revoke/").status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None and Api(raw).get("/api/v1/contacts").status_code == 401
    assert admin_client.get(f"/admin/api-keys/{key.pk}/revoke/")["Location"] == "/admin/api-keys/"  # not a blank 405


def test_access_control(client, marketer_client, viewer_client, outsider_client, world):
    key, _ = ApiKey.generate(account=world.account, name="k")
    assert client.get(LIST).status_code == 302  # to the login page
    for other in (marketer_client, viewer_client):
        assert other.get(LIST).status_code == 403
        assert other.post(NEW, {"name": "x"}).status_code == 403
        assert other.post(f"/admin/api-keys/{key.pk}/revoke/").status_code == 403
    assert "k" not in [k.name for k in ApiKey.objects.filter(account=world.other_account)]
    assert outsider_client.post(f"/admin/api-keys/{key.pk}/revoke/").status_code == 404
    assert "cpk_" not in outsider_client.get(LIST).content.decode()
    key.refresh_from_db()
    assert key.revoked_at is None


def test_event_deliveries_screen(admin_client, marketer_client, outsider_client, world):
    from campaigns.models import DeliveryAttempt, EventDelivery, EventSubscription

    sub = EventSubscription.objects.create(account=world.account, url="https://hooks.example.test/a", events=["message.status"])
    delivery = EventDelivery.objects.create(account=world.account, subscription=sub, kind="message.status", status="retrying")
    DeliveryAttempt.objects.create(delivery=delivery, number=1, status_code=503, error="HTTP 503")
    page = admin_client.get("/admin/api-keys/events/", {"subscription": sub.pk, "status": "retrying"})
    html = page.content.decode()
    assert page.status_code == 200 and "hooks.example.test/a" in html and "HTTP 503" in html
    assert "HTTP 503" not in admin_client.get("/admin/api-keys/events/", {"status": "delivered"}).content.decode()
    assert marketer_client.get("/admin/api-keys/events/").status_code == 403
    assert "hooks.example.test" not in outsider_client.get("/admin/api-keys/events/").content.decode()
