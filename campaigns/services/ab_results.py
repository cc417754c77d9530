"""Results of an A/B test per variant: counts, the rates (one definition each: delivery in
campaigns/services/rates.py, clicks in campaigns/services/links.py), replies, and whether the
leader's lead is more than chance (campaigns/services/significance.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q

from campaigns.models import ABTest, Campaign, CampaignVariant, InboundMessage, Message
from campaigns.services.links import click_through_rate, unique_clickers
from campaigns.services.rates import Rates, rates
from campaigns.services.significance import confidence_words, is_significant, two_proportion_p_value
from campaigns.status import UNSENT_EXPIRY_CODE
from providers.base import MessageStatus as S

NOT_HANDED_OVER = (S.PENDING, S.QUEUED, S.CANCELLED)
METRIC_WORDS = {
    ABTest.Metric.DELIVERY: "delivery rate",
    ABTest.Metric.CLICKS: "click-through rate",
    ABTest.Metric.REPLIES: "reply rate",
}


@dataclass
class VariantResult:
    variant_id: int
    label: str
    text: str
    messages: int
    sent: int  # handed to a provider
    rates: Rates
    clickers: int
    repliers: int
    click_rate: float | None  # percent of delivered
    reply_rate: float | None
    successes: int = 0  # of the chosen metric
    trials: int = 0
    metric_rate: float | None = None
    is_winner: bool = False
    is_leader: bool = False
    p_value: float | None = None  # against the leader
    verdict: str = ""

    def as_dict(self) -> dict:
        return {
            "label": self.label,
            "text": self.text,
            "messages": self.messages,
            "sent": self.sent,
            "delivered": self.rates.delivered,
            "delivery_rate": self.rates.delivery_rate,
            "unique_clickers": self.clickers,
            "click_through_rate": self.click_rate,
            "repliers": self.repliers,
            "reply_rate": self.reply_rate,
            "metric_rate": self.metric_rate,
            "p_value": None if self.p_value is None else round(self.p_value, 4),
            "verdict": self.verdict,
            "is_leader": self.is_leader,
            "is_winner": self.is_winner,
        }


@dataclass
class TestResults:
    test: ABTest
    variants: list[VariantResult] = field(default_factory=list)

    @property
    def metric_words(self) -> str:
        return METRIC_WORDS[self.test.metric]

    @property
    def leader(self) -> VariantResult:
        return next(v for v in self.variants if v.is_leader)

    @property
    def significant(self) -> bool:
        return any(is_significant(v.p_value) for v in self.variants if not v.is_leader)

    def auto_pick_reason(self) -> str:
        leader = self.leader
        if leader.metric_rate is None:
            return f"Picked automatically: no variant had a {self.metric_words} yet, so {leader.label} was kept."
        others = ", ".join(f"{v.label} {_pct(v.metric_rate)}" for v in self.variants if not v.is_leader)
        sure = "a clear lead" if self.significant else "a lead too small to be sure of"
        return (
            f"Picked automatically: {leader.label} had the highest {self.metric_words}, {_pct(leader.metric_rate)} (vs {others}); {sure}."
        )


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}%"


def variant_results(campaign: Campaign, test: ABTest | None = None) -> TestResults:
    """Every variant's figures, the leader by the test's metric, and each other variant's
    p-value against the leader."""
    test = test or ABTest.objects.get(campaign_id=campaign.pk)
    variants = list(CampaignVariant.objects.filter(campaign_id=campaign.pk).order_by("label"))
    counts = _status_counts(campaign)
    results = TestResults(test)
    for variant in variants:
        results.variants.append(_variant_result(campaign, test, variant, counts.get(variant.pk, {})))
    _rank(results)
    return results


def _status_counts(campaign: Campaign) -> dict[int, dict[str, int]]:
    """variant id -> {status: count, "_unsent": expiries never handed over}."""
    rows = (
        Message.objects.filter(campaign_id=campaign.pk, variant__isnull=False)
        .values("variant_id", "status")
        .annotate(n=Count("id"), unsent=Count("id", filter=Q(error_code=UNSENT_EXPIRY_CODE)))
    )
    counts: dict[int, dict[str, int]] = {}
    for row in rows:
        per = counts.setdefault(row["variant_id"], {"_unsent": 0})
        per[row["status"]] = row["n"]
        per["_unsent"] += row["unsent"] if row["status"] == S.EXPIRED else 0
    return counts


def _variant_result(campaign: Campaign, test: ABTest, variant: CampaignVariant, counts: dict[str, int]) -> VariantResult:
    status_counts = {k: v for k, v in counts.items() if not k.startswith("_")}
    figures = rates(status_counts, counts.get("_unsent", 0))
    messages = Message.objects.filter(campaign_id=campaign.pk, variant_id=variant.pk)
    clickers = unique_clickers(campaign, messages.values("pk"))
    repliers = repliers_count(campaign, messages)
    result = VariantResult(
        variant_id=variant.pk,
        label=variant.label,
        text=campaign.text if variant.label == "A" else variant.text,
        messages=figures.total,
        sent=figures.total - sum(status_counts.get(str(s), 0) for s in NOT_HANDED_OVER) - figures.expired_unsent,
        rates=figures,
        clickers=clickers,
        repliers=repliers,
        click_rate=click_through_rate(clickers, figures.delivered),
        reply_rate=_rate(repliers, figures.delivered),
        is_winner=test.winner_id == variant.pk,
    )
    result.successes, result.trials = _metric_counts(test.metric, result)
    result.metric_rate = _rate(result.successes, result.trials)
    return result


def repliers_count(campaign: Campaign, messages) -> int:
    """Recipients who sent us a message after theirs was created (one message, one recipient)."""
    replied = InboundMessage.objects.filter(
        account_id=campaign.account_id, from_number=OuterRef("to"), received_at__gte=OuterRef("created_at")
    )
    return messages.filter(Exists(replied)).count()


def _metric_counts(metric: str, result: VariantResult) -> tuple[int, int]:
    if metric == ABTest.Metric.CLICKS:
        return result.clickers, result.rates.delivered
    if metric == ABTest.Metric.REPLIES:
        return result.repliers, result.rates.delivered
    return result.rates.delivered, result.rates.outcomes


def _rank(results: TestResults) -> None:
    if not results.variants:
        return
    # Highest rate first; no rate yet counts as lowest; a tie keeps the earlier label.
    leader = max(results.variants, key=lambda v: (v.metric_rate if v.metric_rate is not None else -1.0, -ord(v.label)))
    leader.is_leader = True
    for v in results.variants:
        if v is leader:
            continue
        v.p_value = two_proportion_p_value(leader.successes, leader.trials, v.successes, v.trials)
        v.verdict = confidence_words(leader.label, v.label, v.p_value)


def duration_words(minutes: int) -> str:
    """90 -> "1 hour 30 minutes", 1440 -> "1 day"."""
    days, rest = divmod(int(minutes), 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [(days, "day"), (hours, "hour"), (mins, "minute")]
    words = [f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in parts if n]
    return " ".join(words) or "0 minutes"


def plan_words(test: ABTest, variants: int, recipients: int | None = None) -> str:
    """Who gets what, and when the winner is picked, in one or two sentences."""
    labels = " and ".join([", ".join(VARIANT_NAMES[: variants - 1]), VARIANT_NAMES[variants - 1]]) if variants > 1 else "A"
    if test.mode == ABTest.Mode.SPLIT:
        each = f" (about {recipients // variants:,} each)" if recipients else ""
        return f"The whole audience is split evenly at random between {labels}{each}."
    share = f"{test.test_share}% of the audience"
    if recipients:
        tested = min(recipients, max(round(recipients * test.test_share / 100), variants))
        share += f" ({tested:,} recipients, about {tested // variants:,} per variant)"
    who = "the variant with" if test.auto_pick else "you pick the winner (we suggest the one with"
    then = (
        f"After {duration_words(test.wait_minutes)}, {who} the highest {METRIC_WORDS[test.metric]}"
        + ("" if test.auto_pick else ")")
        + f"{' is picked automatically' if test.auto_pick else ''} and the other {100 - test.test_share}% get it."
    )
    return f"{share} gets the test, split evenly at random between {labels}. {then}"


VARIANT_NAMES = ["A", "B", "C", "D"]
