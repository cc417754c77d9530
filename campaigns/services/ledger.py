"""Money: top-ups, reservations, charges and releases. The balance always equals the sum
of the ledger and never goes negative; every change locks the account row and writes its
LedgerEntry in the same transaction as the status change that caused it."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Sum

from campaigns.models import Account, Campaign, LedgerEntry
from campaigns.services import audit

log = logging.getLogger(__name__)
ZERO = Decimal("0")
Q4 = Decimal("0.0001")


class InsufficientBalance(Exception):
    pass


def _locked_account(account_id: int) -> Account:
    """The account row locked for our update of its balance. FOR NO KEY UPDATE (PostgreSQL):
    ledger writers still queue on it, but rows that only reference the account (a webhook
    report, a provider call, a count) are inserted meanwhile. FOR UPDATE made each of their
    foreign-key checks wait for the ledger's transaction: 55 us a check on average over a
    VT run with its reports, 2.6 us for the same check on the connection."""
    return Account.objects.select_for_update(no_key=True).get(pk=account_id)


def balance(account: Account | int) -> Decimal:
    account_id = account if isinstance(account, int) else account.pk
    return Account.objects.values_list("balance", flat=True).get(pk=account_id)


def ledger_sum(account: Account | int) -> Decimal:
    account_id = account if isinstance(account, int) else account.pk
    total = LedgerEntry.objects.filter(account_id=account_id).aggregate(s=Sum("amount"))["s"] or ZERO
    # SQLite sums decimals as floats; entries carry at most 4 places, like the balance.
    return Decimal(str(total)).quantize(Q4)


def subaccount_committed(subaccount_id: int) -> Decimal:
    """What a subaccount has spent (charges less refunds) plus what its active campaigns
    still hold in reservation: the figure its credit limit caps."""
    spent, held = subaccount_spent_and_held(subaccount_id)
    return (spent + held).quantize(Q4)


def subaccount_spent_and_held(subaccount_id: int) -> tuple[Decimal, Decimal]:
    """(spent: charges less refunds, held: active campaigns' reservations) of a subaccount."""
    spent = LedgerEntry.objects.filter(subaccount_id=subaccount_id, kind__in=(LedgerEntry.Kind.CHARGE, LedgerEntry.Kind.REFUND)).aggregate(
        s=Sum("amount")
    )["s"]
    held = Campaign.objects.filter(subaccount_id=subaccount_id, status__in=("scheduled", "running", "paused")).aggregate(
        s=Sum("reserved_amount")
    )["s"]
    return (-Decimal(str(spent or 0))).quantize(Q4), Decimal(str(held or 0)).quantize(Q4)


def top_up(account: Account, amount: Decimal | int | str, user=None, description: str = "", subaccount=None) -> LedgerEntry:
    amount = Decimal(str(amount)).quantize(Q4)
    if amount <= 0:
        raise ValueError("A top-up must be a positive amount.")
    with transaction.atomic():
        locked = _locked_account(account.pk)
        locked.balance += amount
        Account.objects.filter(pk=locked.pk).update(balance=locked.balance)
        entry = LedgerEntry.objects.create(
            account_id=locked.pk,
            subaccount=subaccount,
            kind=LedgerEntry.Kind.TOPUP,
            amount=amount,
            balance_after=locked.balance,
            created_by=user,
            description=description or "Top-up",
        )
        audit.record(
            "ledger.top_up",
            account=locked,
            target=entry,
            target_label=f"Top-up {amount}",
            changes={
                "amount": str(amount),
                "balance": [str(locked.balance - amount), str(locked.balance)],
                "description": entry.description,
            },
        )
    account.balance = locked.balance
    return entry


def reserve(account_id: int, amount: Decimal, campaign_id: int | None = None) -> bool:
    """Hold ``amount`` of the available balance (balance - reserved); False when short."""
    if amount <= 0:
        return True
    with transaction.atomic():
        changed = Account.objects.filter(pk=account_id, balance__gte=F("reserved") + amount).update(reserved=F("reserved") + amount)
        if changed and campaign_id:
            Campaign.objects.filter(pk=campaign_id).update(reserved_amount=F("reserved_amount") + amount)
    return bool(changed)


def release(account_id: int, amount: Decimal, campaign_id: int | None = None) -> Decimal:
    """Give back up to ``amount`` of a reservation (a campaign's, or the account's for
    single sends). Returns what was released. Call inside the caller's transaction."""
    if amount <= 0:
        return ZERO
    with transaction.atomic():
        account = _locked_account(account_id)
        if campaign_id:
            held = Campaign.objects.select_for_update(no_key=True).values_list("reserved_amount", flat=True).get(pk=campaign_id)
            amount = min(amount, held)
            Campaign.objects.filter(pk=campaign_id).update(reserved_amount=F("reserved_amount") - amount)
        amount = min(amount, account.reserved)
        if amount > 0:
            Account.objects.filter(pk=account_id).update(reserved=F("reserved") - amount)
    return amount


def release_all(campaign: Campaign) -> Decimal:
    """Release whatever a finished campaign still holds."""
    held = Campaign.objects.values_list("reserved_amount", flat=True).get(pk=campaign.pk)
    return release(campaign.account_id, held, campaign.pk) if held > 0 else ZERO


@dataclass(frozen=True)
class Charge:
    message_id: int | None
    campaign_id: int | None
    subaccount_id: int | None
    amount: Decimal
    reserved: Decimal  # what this message held in the reservation (released by the charge)


@dataclass
class ChargeGroup:
    """The charges of one (campaign, subaccount): what they cost and held, summed."""

    amount: Decimal
    held: Decimal
    count: int
    message_id: int | None  # the message, when the group is one


def group_charges(charges: Iterable[Charge]) -> dict[tuple[int | None, int | None], ChargeGroup]:
    """Sum charges per (campaign, subaccount): pure Python, so a caller holding SQLite's
    single writer lock can do it before taking the lock."""
    groups: dict[tuple[int | None, int | None], list[Charge]] = defaultdict(list)
    for item in charges:
        if item.amount > 0 or item.reserved > 0:
            groups[(item.campaign_id, item.subaccount_id)].append(item)
    return {
        key: ChargeGroup(
            amount=sum((c.amount for c in items), ZERO).quantize(Q4),
            held=sum((c.reserved for c in items), ZERO).quantize(Q4),
            count=len(items),
            message_id=items[0].message_id if len(items) == 1 else None,
        )
        for key, items in groups.items()
    }


def charge(account_id: int, charges: Iterable[Charge], description: str = "") -> Decimal:
    """Debit the account for provider-billed messages: one LedgerEntry per (campaign,
    subaccount) group, the balance and reservations updated under the account lock.
    Must run inside the transaction that moved the messages. Returns the total."""
    return charge_groups(account_id, group_charges(charges), description)


def charge_groups(account_id: int, groups: dict[tuple[int | None, int | None], ChargeGroup], description: str = "") -> Decimal:
    """``charge`` for charges already summed by ``group_charges``."""
    if not groups:
        return ZERO
    total = ZERO
    with transaction.atomic():
        account = _locked_account(account_id)
        bal, reserved = account.balance, account.reserved
        entries = []
        for (campaign_id, subaccount_id), group in groups.items():
            amount, held = group.amount, group.held
            if campaign_id:
                held = _take_campaign_reservation(campaign_id, held, amount)
            # The provider has billed already; a reservation covers it, so this cap only
            # matters when a voice call ran longer than estimated and the balance is gone.
            amount = min(amount, bal)
            reserved = max(reserved - min(held, reserved), ZERO)
            if amount <= 0:
                continue
            bal -= amount
            total += amount
            entries.append(
                LedgerEntry(
                    account_id=account_id,
                    subaccount_id=subaccount_id,
                    kind=LedgerEntry.Kind.CHARGE,
                    amount=-amount,
                    balance_after=bal,
                    campaign_id=campaign_id,
                    message_id=group.message_id,
                    message_count=group.count,
                    description=description or f"{group.count} message(s)",
                )
            )
        Account.objects.filter(pk=account_id).update(balance=bal, reserved=reserved)
        if entries:
            LedgerEntry.objects.bulk_create(entries)
            _notify_low_balance(account, account.balance, bal)
    return total


def _notify_low_balance(account: Account, before: Decimal, after: Decimal) -> None:
    """Under the account lock, so two workers charging at once see one crossing between them."""
    try:
        from campaigns.services import notifications

        with transaction.atomic():
            notifications.low_balance_crossed(account, before, after)
    except Exception:
        log.exception("could not notify the low balance of account %s", account.pk)


def _take_campaign_reservation(campaign_id: int, held: Decimal, spent: Decimal) -> Decimal:
    current = Campaign.objects.select_for_update(no_key=True).values_list("reserved_amount", flat=True).get(pk=campaign_id)
    take = min(held, current)
    Campaign.objects.filter(pk=campaign_id).update(reserved_amount=F("reserved_amount") - take, spent=F("spent") + spent)
    return take


def refund(account: Account, amount: Decimal, description: str, user=None, message=None, campaign=None) -> LedgerEntry:
    amount = Decimal(str(amount))
    with transaction.atomic():
        locked = _locked_account(account.pk)
        locked.balance += amount
        Account.objects.filter(pk=locked.pk).update(balance=locked.balance)
        return LedgerEntry.objects.create(
            account_id=locked.pk,
            kind=LedgerEntry.Kind.REFUND,
            amount=amount,
            balance_after=locked.balance,
            message=message,
            campaign=campaign,
            created_by=user,
            description=description,
        )
