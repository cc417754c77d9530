"""Subaccounts: access, spend from the ledger, credit limit, create/edit validation."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from campaigns.models import LedgerEntry, Subaccount

pytestmark = pytest.mark.django_db


def entry(account, kind, amount, subaccount=None) -> LedgerEntry:
    return LedgerEntry.objects.create(account=account, subaccount=subaccount, kind=kind, amount=Decimal(amount), balance_after=0)


def test_anonymous_is_sent_to_login(world):
    for url in ("/admin/subaccounts/", "/admin/subaccounts/new/", f"/admin/subaccounts/{world.subaccount.pk}/"):
        assert Client().get(url)["Location"].startswith("/login/")


def test_marketer_and_viewer_are_refused(world, marketer_client, viewer_client):
    for client in (marketer_client, viewer_client):
        assert client.get("/admin/subaccounts/").status_code == 403
        assert client.post("/admin/subaccounts/new/", {"name": "Sneaky"}).status_code == 403
        assert client.post(f"/admin/subaccounts/{world.subaccount.pk}/", {"name": "Renamed"}).status_code == 403
    assert not Subaccount.objects.filter(name__in=["Sneaky", "Renamed"]).exists()


def test_outsider_gets_404_on_another_accounts_subaccount(world, outsider_client):
    url = f"/admin/subaccounts/{world.subaccount.pk}/"
    assert outsider_client.get(url).status_code == 404
    assert outsider_client.post(url, {"name": "Stolen"}).status_code == 404
    assert "Marketing" not in outsider_client.get("/admin/subaccounts/").content.decode()


def test_list_shows_spend_net_of_refunds_and_the_limit(world, admin_client):
    world.subaccount.credit_limit = Decimal("10")
    world.subaccount.save()
    entry(world.account, "charge", "-4.50", world.subaccount)
    entry(world.account, "charge", "-1.50", world.subaccount)
    entry(world.account, "refund", "1.00", world.subaccount)
    entry(world.account, "topup", "100", world.subaccount)  # money in, not spend
    entry(world.other_account, "charge", "-99", None)
    page = admin_client.get("/admin/subaccounts/").content.decode()
    assert "5.00" in page  # 4.50 + 1.50 - 1.00
    assert "10.00" in page and "50%" in page
    assert "99.00" not in page  # the other account's charge (a bare "99" can be an id in a URL)


def test_limit_reached_is_flagged(world, admin_client):
    world.subaccount.credit_limit = Decimal("2")
    world.subaccount.save()
    entry(world.account, "charge", "-3", world.subaccount)
    assert "limit reached" in admin_client.get("/admin/subaccounts/").content.decode()


def test_create_and_edit(world, admin_client):
    assert admin_client.post("/admin/subaccounts/new/", {"name": "Sales", "credit_limit": "250"}).status_code == 302
    sales = Subaccount.objects.get(account=world.account, name="Sales")
    assert sales.credit_limit == Decimal("250")
    response = admin_client.post(f"/admin/subaccounts/{sales.pk}/", {"name": "Sales EU", "credit_limit": ""})
    assert response.status_code == 302
    sales.refresh_from_db()
    assert sales.name == "Sales EU" and sales.credit_limit is None and sales.is_active is False  # unticked


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "marketing"}, "already has this name"),
        ({"name": ""}, "This field is required"),
        ({"name": "X", "credit_limit": "-1"}, "cannot be negative"),
        ({"name": "X", "credit_limit": "lots"}, "Enter a number"),
    ],
)
def test_validation(world, admin_client, data, message):
    response = admin_client.post("/admin/subaccounts/new/", data)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_same_name_in_another_account_is_fine(world, admin_client):
    Subaccount.objects.create(account=world.other_account, name="Sales")
    assert admin_client.post("/admin/subaccounts/new/", {"name": "Sales"}).status_code == 302
