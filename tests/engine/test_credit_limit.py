"""A subaccount's credit limit caps what its campaigns may spend or hold."""

from __future__ import annotations

from decimal import Decimal

from campaigns.models import Campaign, LedgerEntry
from campaigns.services.campaigns import validate_for_launch
from campaigns.services.ledger import subaccount_committed
from tests.engine.conftest import add_contacts, make_campaign


def _audience(world):
    return add_contacts(world.account, ["+923001234517", "+923001234527"])  # 2 x 0.02


def test_no_limit_means_no_check(engine_world):
    campaign = make_campaign(engine_world, _audience(engine_world), subaccount=engine_world.subaccount)
    assert validate_for_launch(campaign) == []


def test_launch_refused_when_spend_plus_estimate_passes_the_limit(engine_world):
    sub = engine_world.subaccount
    sub.credit_limit = Decimal("1.00")
    sub.save()
    LedgerEntry.objects.create(account=engine_world.account, subaccount=sub, kind="charge", amount=Decimal("-0.99"), balance_after=0)
    campaign = make_campaign(engine_world, _audience(engine_world), subaccount=sub)
    errors = validate_for_launch(campaign)
    assert any("credit limit of 1.00 USD" in e and "0.01 USD is left" in e for e in errors), errors


def test_reservations_of_active_campaigns_count_against_the_limit(engine_world):
    sub = engine_world.subaccount
    sub.credit_limit = Decimal("0.05")
    sub.save()
    Campaign.objects.create(account=engine_world.account, subaccount=sub, name="held", status="running", reserved_amount=Decimal("0.02"))
    assert subaccount_committed(sub.pk) == Decimal("0.0200")
    campaign = make_campaign(engine_world, _audience(engine_world), subaccount=sub)
    assert any("0.03 USD is left" in e for e in validate_for_launch(campaign))  # 0.02 held + 0.04 > 0.05
    sub.credit_limit = Decimal("0.06")
    sub.save()
    campaign.subaccount.refresh_from_db()
    assert validate_for_launch(campaign) == []
