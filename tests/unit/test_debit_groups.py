"""A chunk's charges are summed by counting rows of one price and length: the groups
must be exactly what ledger.group_charges makes of the same rows one by one."""

from __future__ import annotations

import random
from decimal import Decimal

from campaigns.services import ledger
from campaigns.services.outcomes import _debit_groups
from campaigns.services.transitions import Changed


def _row(pk: int, account: int, campaign: int | None, subaccount: int | None, price: str, segments: int) -> Changed:
    return Changed(pk, account, campaign, subaccount, "queued", "+923000000000", "sms", segments, Decimal(price), 0, 1)


def _one_by_one(rows: list[Changed]) -> dict[int, dict]:
    by_account: dict[int, list[ledger.Charge]] = {}
    for r in rows:
        amount = r.price * r.segments
        by_account.setdefault(r.account_id, []).append(ledger.Charge(r.id, r.campaign_id, r.subaccount_id, amount, amount))
    groups = {account: ledger.group_charges(charges) for account, charges in by_account.items()}
    return {account: found for account, found in groups.items() if found}


def test_mixed_rows_give_the_groups_summed_one_by_one():
    pick = random.Random(7)
    rows = [
        _row(
            pk,
            pick.choice([1, 2]),
            pick.choice([10, 11, None]),
            pick.choice([None, 5]),
            pick.choice(["0.00123", "0.01", "0.5", "0"]),
            pick.choice([1, 2, 3, 0]),
        )
        for pk in range(1, 3001)
    ]
    assert _debit_groups(rows) == _one_by_one(rows)


def test_a_group_of_one_charged_message_names_it():
    rows = [_row(1, 1, 10, None, "0.02", 1), _row(2, 1, 10, None, "0", 1), _row(3, 1, 11, None, "0.02", 2), _row(4, 1, 11, None, "0.02", 2)]
    groups = _debit_groups(rows)[1]
    assert groups[(10, None)] == ledger.ChargeGroup(amount=Decimal("0.0200"), held=Decimal("0.0200"), count=1, message_id=1)
    assert groups[(11, None)] == ledger.ChargeGroup(amount=Decimal("0.0800"), held=Decimal("0.0800"), count=2, message_id=None)
    assert groups == _one_by_one(rows)[1]
