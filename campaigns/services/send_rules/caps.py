"""Frequency caps: at most N messages to one number per 24 hours / 7 days / 30 days, per
channel or all together. Every message counts (transactional ones too, though they are
never held back); what never went out (cancelled, refused, expired unsent) does not.

A message counts at its ``not_before`` (when it is planned to go), so a campaign planned
for tomorrow already holds tomorrow's place. A new message at T is over the cap when N
counted messages lie within one period before or after T."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Max, QuerySet

from campaigns.models import Account, Contact, Message
from campaigns.status import UNSENT_EXPIRY_CODE
from providers.base import MessageStatus as S

PERIODS = {"day": timedelta(days=1), "week": timedelta(days=7), "month": timedelta(days=30)}


@dataclass(frozen=True)
class CapPolicy:
    limit: int
    period: timedelta
    channel: str | None  # None: all channels count together

    @classmethod
    def for_account(cls, account: Account, channel: str) -> CapPolicy | None:
        if not account.cap_messages:
            return None
        period = PERIODS.get(account.cap_period, PERIODS["day"])
        return cls(account.cap_messages, period, channel if account.cap_per_channel else None)

    def describe(self) -> str:
        days = self.period.days
        span = "24 hours" if days == 1 else f"{days} days"
        noun = "message" if self.limit == 1 else "messages"
        return f"{self.limit} {noun} per {span}"


def counted(account_id: int, policy: CapPolicy) -> QuerySet:
    """Messages that count against the cap."""
    qs = Message.objects.filter(account_id=account_id, test_of__isnull=True).exclude(status__in=[S.CANCELLED, S.FAILED, S.REJECTED])
    qs = qs.exclude(status=S.EXPIRED, error_code=UNSENT_EXPIRY_CODE)
    return qs.filter(channel=policy.channel) if policy.channel else qs


def lock_contacts(contact_ids: Iterable[int]) -> None:
    """Row locks on the contacts, in id order (no deadlock between two campaigns), held to
    the end of the transaction: a concurrent campaign counts only after this one inserted.
    SQLite needs none: its IMMEDIATE transactions already let one writer in at a time."""
    ids = sorted({i for i in contact_ids if i})
    if ids:
        list(Contact.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))


def over_cap(account_id: int, policy: CapPolicy, phones: Iterable[str], at: datetime) -> dict[str, datetime]:
    """Of ``phones``, those a message at ``at`` would put over the cap, each with the moment
    the cap lets it in again (one period after its latest counted message)."""
    phones = list(phones)
    if not phones:
        return {}
    near = counted(account_id, policy).filter(to__in=phones, not_before__gt=at - policy.period, not_before__lt=at + policy.period)
    full = list(near.values("to").annotate(n=Count("id")).filter(n__gte=policy.limit).values_list("to", flat=True))
    if not full:
        return {}
    latest = (
        counted(account_id, policy).filter(to__in=full, not_before__gt=at - policy.period).values("to").annotate(last=Max("not_before"))
    )
    return {row["to"]: row["last"] + policy.period for row in latest}


def over_cap_now(account_id: int, policy: CapPolicy, recipients: QuerySet, at: datetime) -> int:
    """How many of ``recipients`` (contacts) are at their cap at ``at`` (one SQL count)."""
    near = counted(account_id, policy).filter(not_before__gt=at - policy.period, not_before__lt=at + policy.period)
    full = near.values("to").annotate(n=Count("id")).filter(n__gte=policy.limit).values("to")
    return recipients.filter(phone__in=full).count()


def cap_help(account: Account) -> str:
    """The account's cap in words, for the composer."""
    policy = CapPolicy.for_account(account, "sms")
    if policy is None:
        return "The account has no frequency cap now (an admin sets one under Settings)."
    scope = "on each channel" if account.cap_per_channel else "on all channels together"
    return f"The account allows each contact {policy.describe()} {scope}; transactional API sends are exempt."
