"""The platform area: only Django staff users (above account admins) see accounts, add
credit (audited in the ledger with who and why) and set prices."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from campaigns.models import Account, LedgerEntry, Price
from campaigns.services.ledger import ledger_sum
from tests.conftest import login_with_second_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(world) -> Client:
    user = get_user_model().objects.create_user(username="ops@platform.test", email="ops@platform.test", password="x", is_staff=True)
    return login_with_second_factor(user)  # platform staff always pass two-factor


def test_only_staff_get_in(world, admin_client, marketer_client, outsider_client):
    urls = ["/platform/", f"/platform/accounts/{world.account.pk}/", f"/platform/accounts/{world.account.pk}/top-up/"]
    for url in urls:
        assert Client().get(url)["Location"].startswith("/login/")
        for client in (admin_client, marketer_client, outsider_client):
            assert client.get(url).status_code == 403


def test_staff_tops_up_with_a_reason_and_the_ledger_says_who(world, staff_client, admin_client):
    url = f"/platform/accounts/{world.account.pk}/top-up/"
    response = staff_client.post(url, {"amount": "250.50", "reason": "Bank transfer REF-42", "subaccount": world.subaccount.pk})
    assert response.status_code == 302 and response["Location"] == f"/platform/accounts/{world.account.pk}/"
    entry = LedgerEntry.objects.get(account=world.account)
    assert (entry.kind, entry.amount, entry.description) == ("topup", Decimal("250.50"), "Bank transfer REF-42")
    assert entry.created_by.username == "ops@platform.test" and entry.subaccount == world.subaccount
    account = Account.objects.get(pk=world.account.pk)
    assert account.balance == ledger_sum(account) == Decimal("250.50")
    assert "Added 250.50 USD to Acme" in staff_client.get(response["Location"]).content.decode()
    html = admin_client.get("/admin/billing/").content.decode()
    assert "Bank transfer REF-42" in html and "by ops@platform.test" in html and "250.50 USD" in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"amount": "0", "reason": "x"}, "above zero"),
        ({"amount": "-5", "reason": "x"}, "above zero"),
        ({"amount": "abc", "reason": "x"}, "as a number"),
        ({"amount": "10.123", "reason": "x"}, "at most 2 decimals"),
        ({"amount": "", "reason": "x"}, "Enter the amount to add"),
        ({"amount": "10", "reason": ""}, "Say why the credit is added"),
    ],
)
def test_a_bad_top_up_is_refused_on_its_own_page_in_plain_words(world, staff_client, data, message):
    url = f"/platform/accounts/{world.account.pk}/top-up/"
    response = staff_client.post(url, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and "Ensure this value" not in html
    assert not LedgerEntry.objects.exists()
    assert staff_client.get(url).status_code == 200  # a reload of the form's URL shows the form


def test_another_accounts_subaccount_is_refused(world, staff_client):
    from campaigns.models import Subaccount

    theirs = Subaccount.objects.create(account=world.other_account, name="Theirs")
    response = staff_client.post(f"/platform/accounts/{world.account.pk}/top-up/", {"amount": "5", "reason": "x", "subaccount": theirs.pk})
    assert response.status_code == 400 and "subaccounts of this account" in response.content.decode()


def test_staff_sees_every_account_and_lands_on_the_platform(world, staff_client):
    html = staff_client.get("/platform/").content.decode()
    assert "Acme" in html and "Globex" in html
    assert staff_client.get("/")["Location"] == "/platform/"


def test_staff_sets_prices_for_an_account(world, staff_client, admin_client):
    base = f"/platform/accounts/{world.account.pk}/prices"
    response = staff_client.post(f"{base}/new/", {"channel": "sms", "prefix": "+92", "unit": "segment", "amount": "0.012"})
    assert response.status_code == 302
    price = Price.objects.get(account=world.account)
    assert price.prefix == "92" and price.amount == Decimal("0.012")
    staff_client.post(f"{base}/{price.pk}/", {"channel": "sms", "prefix": "92", "unit": "segment", "amount": "0.02"})
    price.refresh_from_db()
    assert price.amount == Decimal("0.02")
    assert "0.0200 USD" in admin_client.get("/admin/billing/").content.decode()
    assert admin_client.post(f"{base}/{price.pk}/delete/").status_code == 403
    staff_client.post(f"{base}/{price.pk}/delete/")
    assert not Price.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"channel": "sms", "prefix": "92a", "unit": "segment", "amount": "1"}, "digits only"),
        ({"channel": "sms", "prefix": "", "unit": "pulse30", "amount": "1"}, "SMS is billed"),
        ({"channel": "sms", "prefix": "", "unit": "segment", "amount": "-1"}, "cannot be negative"),
        ({"channel": "sms", "prefix": "", "unit": "segment", "amount": ""}, "Enter the price per unit"),
        ({"channel": "sms", "prefix": "44", "unit": "segment", "amount": "1"}, "already a SMS price for +44"),
    ],
)
def test_price_validation(world, staff_client, data, message):
    Price.objects.create(account=world.account, channel="sms", prefix="44", amount=Decimal("0.01"))
    response = staff_client.post(f"/platform/accounts/{world.account.pk}/prices/new/", data)
    assert response.status_code == 200 and message in response.content.decode()
    assert Price.objects.count() == 1
