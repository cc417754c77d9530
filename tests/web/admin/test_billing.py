"""Billing: access, top-ups through the ledger service, prices, the paged ledger."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from campaigns.models import Account, LedgerEntry, Price
from campaigns.services.ledger import top_up

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login():
    for url in ("/admin/billing/", "/admin/billing/prices/new/"):
        assert Client().get(url)["Location"].startswith("/login/")


def test_marketer_and_viewer_are_refused(world, marketer_client, viewer_client):
    price = Price.objects.create(account=world.account, channel="sms", amount=Decimal("0.01"))
    for client in (marketer_client, viewer_client):
        assert client.get("/admin/billing/").status_code == 403
        assert client.post("/admin/billing/top-up/", {"amount": "100"}).status_code == 403
        assert client.post(f"/admin/billing/prices/{price.pk}/delete/").status_code == 403
    assert not LedgerEntry.objects.exists()
    assert Price.objects.filter(pk=price.pk).exists()


def test_outsider_gets_404_on_another_accounts_price(world, outsider_client):
    price = Price.objects.create(account=world.account, channel="sms", amount=Decimal("0.01"))
    assert outsider_client.get(f"/admin/billing/prices/{price.pk}/").status_code == 404
    assert outsider_client.post(f"/admin/billing/prices/{price.pk}/delete/").status_code == 404
    assert Price.objects.filter(pk=price.pk).exists()


def test_top_up_adds_a_ledger_entry_and_the_balance(world, admin_client):
    response = admin_client.post("/admin/billing/top-up/", {"amount": "250.50", "description": "Invoice 42"})
    assert response.status_code == 302
    entry = LedgerEntry.objects.get(account=world.account)
    assert entry.kind == "topup" and entry.amount == Decimal("250.50") and entry.created_by == world.admin
    assert Account.objects.get(pk=world.account.pk).balance == Decimal("250.50")
    page = admin_client.get("/admin/billing/").content.decode()
    assert "Invoice 42" in page and "250.50" in page


@pytest.mark.parametrize(
    ("amount", "message"), [("0", "greater than or equal to"), ("-5", "greater than or equal to"), ("abc", "Enter a number")]
)
def test_bad_top_up_is_refused_with_a_message(world, admin_client, amount, message):
    response = admin_client.post("/admin/billing/top-up/", {"amount": amount})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not LedgerEntry.objects.exists()


def test_ledger_shows_running_balance_and_pages(world, admin_client):
    for i in range(1, 56):
        top_up(world.account, Decimal("1"), description=f"entry-{i:02d}")
    page = admin_client.get("/admin/billing/").content.decode()
    assert "entry-55" in page and "entry-06" in page and "entry-05" not in page
    assert "55.00" in page  # balance after the newest
    older = LedgerEntry.objects.get(description="entry-06").pk
    page = admin_client.get(f"/admin/billing/?before={older}").content.decode()
    assert "entry-05" in page and "entry-01" in page and "entry-06" not in page


def test_ledger_filters_by_kind(world, admin_client):
    top_up(world.account, Decimal("5"), description="money-in")
    LedgerEntry.objects.create(account=world.account, kind="charge", amount=Decimal("-1"), balance_after=4, description="a-charge")
    page = admin_client.get("/admin/billing/?kind=charge").content.decode()
    assert "a-charge" in page and "money-in" not in page


def test_ledger_never_shows_another_account(world, admin_client):
    top_up(world.other_account, Decimal("7"), description="globex-money")
    assert "globex-money" not in admin_client.get("/admin/billing/").content.decode()


def test_add_edit_and_remove_a_price(world, admin_client):
    response = admin_client.post("/admin/billing/prices/new/", {"channel": "sms", "prefix": "+92", "unit": "segment", "amount": "0.012"})
    assert response.status_code == 302
    price = Price.objects.get(account=world.account)
    assert price.prefix == "92" and price.amount == Decimal("0.012")
    admin_client.post(f"/admin/billing/prices/{price.pk}/", {"channel": "sms", "prefix": "92", "unit": "segment", "amount": "0.02"})
    price.refresh_from_db()
    assert price.amount == Decimal("0.02")
    admin_client.post(f"/admin/billing/prices/{price.pk}/delete/")
    assert not Price.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"channel": "sms", "prefix": "92a", "unit": "segment", "amount": "1"}, "digits only"),
        ({"channel": "sms", "prefix": "", "unit": "pulse30", "amount": "1"}, "SMS is billed"),
        ({"channel": "voice", "prefix": "", "unit": "segment", "amount": "1"}, "VOICE is billed"),
        ({"channel": "sms", "prefix": "", "unit": "segment", "amount": "-1"}, "cannot be negative"),
        ({"channel": "sms", "prefix": "44", "unit": "segment", "amount": "1"}, "already a SMS price for +44"),
    ],
)
def test_price_validation(world, admin_client, data, message):
    Price.objects.create(account=world.account, channel="sms", prefix="44", amount=Decimal("0.01"))
    response = admin_client.post("/admin/billing/prices/new/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Price.objects.count() == 1


def test_same_price_key_in_another_account_is_fine(world, admin_client):
    Price.objects.create(account=world.other_account, channel="sms", prefix="44", amount=Decimal("0.01"))
    data = {"channel": "sms", "prefix": "44", "unit": "segment", "amount": "0.02"}
    assert admin_client.post("/admin/billing/prices/new/", data).status_code == 302
