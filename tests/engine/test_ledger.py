"""Money: prices (longest prefix), estimate, reservation, charges at submission, releases
for what is not billed; the balance never goes negative and always equals the ledger."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection

from campaigns.models import Account, LedgerEntry, Price
from campaigns.services.campaigns import cancel, launch
from campaigns.services.estimate import estimate, price_for
from campaigns.services.ledger import Charge, charge, ledger_sum, release, reserve, top_up
from tests.engine.conftest import add_contacts, make_campaign


def fresh(account) -> Account:
    return Account.objects.get(pk=account.pk)


def assert_invariants(account) -> None:
    account = fresh(account)
    assert account.balance == ledger_sum(account)
    assert account.balance >= 0 and account.reserved >= 0
    assert account.reserved <= account.balance


def test_longest_prefix_wins(engine_world):
    Price.objects.create(account=engine_world.account, channel="sms", prefix="92300", amount=Decimal("0.05"))
    assert price_for(engine_world.account, "sms", "+923001234567").amount == Decimal("0.05")
    assert price_for(engine_world.account, "sms", "+923111234567").amount == Decimal("0.02")
    assert price_for(engine_world.account, "sms", "+14155550100").amount == Decimal("0.01")
    assert price_for(engine_world.account, "voice", "+14155550100") is None


def test_top_up_and_validation(engine_world):
    entry = top_up(engine_world.account, "5.5", description="card")
    assert entry.kind == "topup" and entry.balance_after == Decimal("105.5")
    with pytest.raises(ValueError):
        top_up(engine_world.account, 0)
    assert_invariants(engine_world.account)


def test_estimate_counts_segments_per_recipient(engine_world):
    contacts = add_contacts(engine_world.account, ["+923001234517", "+14155550111"], first_name="A" * 90)
    campaign = make_campaign(engine_world, contacts, text="Hi {{ first_name }}")  # 93 characters: one segment each
    est = estimate(campaign)
    assert est.recipients == 2 and est.units == 2
    assert est.cost == Decimal("0.03")  # 0.02 (+92) + 0.01 (default)
    assert est.enough and est.available == Decimal("100")


def test_reservation_cannot_exceed_available(engine_world):
    assert reserve(engine_world.account.pk, Decimal("60"))
    assert not reserve(engine_world.account.pk, Decimal("60"))
    assert release(engine_world.account.pk, Decimal("100")) == Decimal("60")  # never more than held
    assert fresh(engine_world.account).reserved == 0


def test_campaign_charges_exactly_what_was_submitted(engine_world, simulators):
    numbers = ["+923001234517", "+923001230000", "+923001234527"]  # the middle one is refused as invalid
    campaign = make_campaign(engine_world, add_contacts(engine_world.account, numbers), text="Hello")
    launch(campaign)
    campaign.refresh_from_db()
    assert campaign.spent == Decimal("0.04") and campaign.reserved_amount == 0
    account = fresh(engine_world.account)
    assert account.balance == Decimal("99.96") and account.reserved == 0
    assert_invariants(account)


def test_cancel_releases_the_reservation(engine_world):
    campaign = make_campaign(engine_world, add_contacts(engine_world.account, ["+923001234517"]), text="Hello")
    from django.utils import timezone

    campaign.send_at = timezone.now() + timezone.timedelta(hours=1)
    campaign.save()
    launch(campaign)
    assert fresh(engine_world.account).reserved == Decimal("0.02")
    cancel(campaign)
    assert fresh(engine_world.account).reserved == 0
    assert_invariants(engine_world.account)


def test_charge_never_makes_the_balance_negative(engine_world):
    account = engine_world.account
    charge(account.pk, [Charge(None, None, None, Decimal("250"), Decimal("0"))], "a call that ran long")
    account = fresh(account)
    assert account.balance == 0
    assert_invariants(account)


@pytest.mark.django_db(transaction=True)
def test_concurrent_charges_keep_the_ledger_exact(world):
    """Threads on PostgreSQL; on SQLite (one writer at a time) the same work in sequence."""
    account = world.account
    top_up(account, Decimal("10"))
    threaded = connection.vendor == "postgresql"
    errors: list[Exception] = []

    def work(n: int) -> None:
        try:
            for _ in range(n):
                if reserve(account.pk, Decimal("0.5")):
                    charge(account.pk, [Charge(None, None, None, Decimal("0.5"), Decimal("0.5"))], "concurrent")
                top_up(account, Decimal("0.1"))
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            if threaded:
                connection.close()

    if threaded:
        threads = [threading.Thread(target=work, args=(15,)) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    else:
        for _ in range(4):
            work(15)
    assert not errors
    account = fresh(account)
    assert account.balance == ledger_sum(account) >= 0
    assert account.reserved == 0
    charges = LedgerEntry.objects.filter(account=account, kind="charge").count()
    assert account.balance == Decimal("10") + Decimal("6.0") - Decimal("0.5") * charges
