"""Balance and ledger."""

from __future__ import annotations

from decimal import Decimal

from campaigns.models import LedgerEntry
from campaigns.services.ledger import top_up
from tests.api.conftest import assert_access


def test_balance(api, world):
    top_up(world.account, Decimal("25"), description="card")
    body = api.get("/api/v1/balance").json()
    assert Decimal(body["balance"]) == Decimal("25") and Decimal(body["available"]) == Decimal("25")
    assert body["currency"] == world.account.currency and body["subaccount"] is None


def test_subaccount_balance_shows_its_spend(sub_api, world):
    top_up(world.account, Decimal("10"))
    LedgerEntry.objects.create(
        account=world.account, subaccount=world.subaccount, kind="charge", amount=Decimal("-1.5"), balance_after=Decimal("8.5")
    )
    body = sub_api.get("/api/v1/balance").json()
    assert body["subaccount"]["id"] == world.subaccount.pk and Decimal(body["subaccount"]["spent"]) == Decimal("1.5")


def test_ledger_list_and_scope(api, sub_api, world, apis):
    top_up(world.account, Decimal("10"))
    charge = LedgerEntry.objects.create(
        account=world.account, subaccount=world.subaccount, kind="charge", amount=Decimal("-1"), balance_after=Decimal("9")
    )
    assert [e["kind"] for e in api.get("/api/v1/ledger").json()["results"]] == ["charge", "topup"]
    assert [e["id"] for e in api.get("/api/v1/ledger", {"kind": "charge"}).json()["results"]] == [charge.pk]
    assert [e["id"] for e in sub_api.get("/api/v1/ledger").json()["results"]] == [charge.pk]
    assert_access(f"/api/v1/ledger/{charge.pk}", apis)
    assert apis["anon"].get("/api/v1/balance").status_code == 401
    assert apis["outsider"].get("/api/v1/balance").json()["balance"] in ("0.0000", "0")
