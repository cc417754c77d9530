"""Prices (longest destination prefix wins) and the cost estimate shown before launch."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from campaigns.models import Account, Campaign, Price
from campaigns.rendering import placeholders, render
from campaigns.services.smsinfo import sms_info

ZERO = Decimal("0")
DEFAULT_VOICE_SECONDS = 30
# Personalized texts are measured for this many recipients; beyond, the widest seen is
# assumed (an over-estimate at worst: the start task reserves the exact amount).
EXACT_UP_TO = 10_000


class PriceBook:
    """An account's prices for one channel, loaded once, looked up per destination."""

    def __init__(self, account: Account | int, channel: str) -> None:
        account_id = account if isinstance(account, int) else account.pk
        self.prices = sorted(Price.objects.filter(account_id=account_id, channel=channel), key=lambda p: -len(p.prefix))
        self._cache: dict[str, Price | None] = {}
        self._key_len = max((len(p.prefix) for p in self.prices), default=0)

    def lookup(self, to: str) -> Price | None:
        digits = to.lstrip("+")
        key = digits[: self._key_len]  # no prefix is longer: the answer depends on these digits only
        if key in self._cache:
            return self._cache[key]
        found = next((p for p in self.prices if digits.startswith(p.prefix)), None)
        if len(self._cache) < 50000:
            self._cache[key] = found
        return found


def price_for(account: Account, channel: str, to: str) -> Price | None:
    return PriceBook(account, channel).lookup(to)


def units_for(channel: str, price: Price | None, segments: int, voice_seconds: int = DEFAULT_VOICE_SECONDS) -> int:
    """Billable units one message reserves: segments, 30 s pulses, or 1."""
    if price is None:
        return segments if channel == "sms" else 1
    if price.unit == Price.Unit.SEGMENT:
        return max(segments, 1)
    if price.unit == Price.Unit.PULSE30:
        return max(1, math.ceil(voice_seconds / 30))
    return 1


def voice_seconds(campaign: Campaign) -> int:
    content = campaign.content or {}
    try:
        seconds = int(float(content.get("duration_seconds") or DEFAULT_VOICE_SECONDS))
        repeat = int(content.get("max_voice_repeat") or 1)
    except (TypeError, ValueError):
        return DEFAULT_VOICE_SECONDS
    return max(seconds, 1) * max(repeat, 1)


def message_text(campaign: Campaign) -> str:
    if campaign.channel == "ussd":
        steps = (campaign.content or {}).get("steps") or []
        return str(steps[0].get("text", "")) if steps and isinstance(steps[0], dict) else ""
    return campaign.text or (campaign.template.body if campaign.template_id and campaign.template else "")


@dataclass(frozen=True)
class Estimate:
    recipients: int
    units: int
    cost: Decimal
    balance: Decimal
    available: Decimal
    enough: bool
    unpriced: int = 0  # recipients with no price for their destination


def estimate(campaign: Campaign) -> Estimate:
    """Exact: renders each recipient's text (placeholders change the segment count) and
    prices each destination. Streams the recipients; no per-contact query."""
    from campaigns.services.audience import recipients

    book = PriceBook(campaign.account_id, campaign.channel)
    text = message_text(campaign)
    personal = bool(placeholders(text))
    fixed_segments = sms_info(text).segments if campaign.channel == "sms" and not personal else 1
    seconds = voice_seconds(campaign)
    count = units = unpriced = 0
    cost = ZERO
    fields = ("phone", "first_name", "last_name", "attributes") if personal else ("phone",)
    widest = 1
    for row in _pages(recipients(campaign.account, campaign.audience, campaign.subaccount), fields):
        count += 1
        segments = fixed_segments
        if personal and campaign.channel == "sms":
            if count <= EXACT_UP_TO:
                segments = sms_info(render(text, dict(zip(fields, row, strict=True)))).segments
                widest = max(widest, segments)
            else:  # a large audience: the widest text of the first ones stands for the rest
                segments = widest
        price = book.lookup(row[0])
        n = units_for(campaign.channel, price, segments, seconds)
        units += n
        if price is None:
            unpriced += 1
        else:
            cost += price.amount * n
    account = Account.objects.get(pk=campaign.account_id)
    cost = cost.quantize(Decimal("0.0001"))
    return Estimate(count, units, cost, account.balance, account.available, cost <= account.available, unpriced)


def _pages(qs, fields: tuple[str, ...], size: int = 5000):
    """Rows in keyset pages (no cursor held open between pages)."""
    last = 0
    while True:
        page = list(qs.filter(pk__gt=last).values_list("pk", *fields)[:size])
        if not page:
            return
        for row in page:
            yield row[1:]
        last = page[-1][0]
