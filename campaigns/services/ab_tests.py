"""A/B tests in the send pipeline: who gets which variant, the test share, and the winner.

Split: the audience is shuffled with a seed of the campaign's id (a restart shuffles it the
same way) and dealt out to the variants in turn. "Test first": only the first test_share %
of that shuffle is materialized; after ``wait_minutes`` the winner is picked by the metric
(automatically, or by the marketer), and the rest of the audience gets the winner. The
decision runs from a one-off django-q2 schedule and from the engine tick, whichever comes
first (a conditional UPDATE makes it happen once)."""

from __future__ import annotations

import copy
import logging
import random
from datetime import timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from campaigns.models import ABTest, Campaign, CampaignVariant

log = logging.getLogger(__name__)

Phase = ABTest.Phase


TEXT_CHANNEL_OPTIONS = {("sms", ""), ("whatsapp", "text"), ("voice", "otp")}


def supports_variants(campaign: Campaign) -> bool:
    """A/B tests compare texts: SMS, WhatsApp free text, voice OTP text."""
    content = campaign.content or {}
    option = "" if campaign.channel == "sms" else content.get("type") or content.get("kind") or ""
    return (campaign.channel, option) in TEXT_CHANNEL_OPTIONS


@transaction.atomic
def configure(campaign: Campaign, others: list[dict] | None, settings: dict | None = None) -> None:
    """Set a draft's variants B-D (``[{"text", "content"}]``; A is the campaign's own content)
    and the test settings; ``others`` None or empty: no A/B test."""
    from campaigns.models.ab_tests import VARIANT_LABELS

    CampaignVariant.objects.filter(campaign_id=campaign.pk).delete()
    ABTest.objects.filter(campaign_id=campaign.pk).delete()
    if not others:
        return
    CampaignVariant.objects.create(campaign=campaign, label="A")
    for label, variant in zip(VARIANT_LABELS[1:], others, strict=False):
        CampaignVariant.objects.create(campaign=campaign, label=label, text=variant.get("text", ""), content=variant.get("content") or {})
    ABTest.objects.create(campaign=campaign, **(settings or {}))


def copy_test(source: Campaign, target: Campaign) -> None:
    """A duplicated campaign keeps its variants and test settings (not the results)."""
    test = ABTest.objects.filter(campaign_id=source.pk).first()
    others = list(CampaignVariant.objects.filter(campaign_id=source.pk).exclude(label="A").order_by("label").values("text", "content"))
    if test is None or not others:
        return
    settings = {f: getattr(test, f) for f in ("mode", "test_share", "wait_minutes", "metric", "auto_pick")}
    configure(target, others, settings)


def widest_variant(campaign: Campaign) -> Campaign | None:
    """The campaign as its longest SMS variant (the estimate prices every message so: never
    short of what the test costs); None when it is not an A/B SMS campaign."""
    from campaigns.services.estimate import message_text
    from campaigns.services.smsinfo import sms_info

    if campaign.channel != "sms" or campaign.pk is None:
        return None
    variants = list(CampaignVariant.objects.filter(campaign_id=campaign.pk).order_by("label"))
    if len(variants) < 2 or not ABTest.objects.filter(campaign_id=campaign.pk).exists():
        return None
    from campaigns.services.shortener import measured, tracks_links

    twins = [campaign_with_variant(campaign, v) for v in variants]
    return max(twins, key=lambda twin: sms_info(measured(message_text(twin), tracks_links(twin))).segments)


def active_test(campaign: Campaign) -> ABTest | None:
    """The campaign's A/B test when it has at least two variants."""
    test = ABTest.objects.filter(campaign_id=campaign.pk).select_related("winner").first()
    if test is None or CampaignVariant.objects.filter(campaign_id=campaign.pk).count() < 2 or not supports_variants(campaign):
        return None  # (a draft whose channel changed to one without text sends its one content)
    return test


def shuffled_contacts(campaign: Campaign, audience: QuerySet) -> list[int]:
    """The audience's contact ids in the campaign's own random order (seeded: stable)."""
    ids = list(audience.order_by("pk").values_list("pk", flat=True))
    random.Random(f"ab-test:{campaign.pk}").shuffle(ids)
    return ids


def test_share_size(total: int, share: int, variants: int) -> int:
    """How many of ``total`` get the test: share %, at least one per variant where possible."""
    return min(total, max(round(total * share / 100), variants))


class Split:
    """This phase's part of the audience and the variant each of its contacts gets."""

    def __init__(self, variants: list[CampaignVariant], assignment: dict[int, int] | None, only: list[int] | None) -> None:
        self.variants = variants
        self.assignment = assignment  # contact id -> variant id; None: everyone gets variants[0]
        self.only = only  # contact ids this phase materializes; None: the whole audience

    def narrow(self, audience: QuerySet) -> QuerySet:
        return audience if self.only is None else audience.filter(pk__in=self.only)

    def variant_for(self, contact_id: int | None) -> int:
        if self.assignment is None or contact_id not in self.assignment:
            return self.variants[0].pk
        return self.assignment[contact_id]

    def builder(self, builder_class: type) -> VariantBuilder:
        return VariantBuilder(self, builder_class)


class VariantBuilder:
    """A MessageBuilder per variant; each message is built by its contact's variant's."""

    def __init__(self, split: Split, builder_class: type) -> None:
        self.split = split
        campaign = split.variants[0].campaign
        self.builders = {v.pk: builder_class(campaign_with_variant(campaign, v)) for v in split.variants}
        self.columns = max((b.columns for b in self.builders.values()), key=len)

    def build(self, contact_id: int | None, *row, **kwargs) -> dict:
        variant_id = self.split.variant_for(contact_id)
        values = self.builders[variant_id].build(contact_id, *row, **kwargs)
        values["variant_id"] = variant_id
        return values


def campaign_with_variant(campaign: Campaign, variant: CampaignVariant) -> Campaign:
    """The campaign as if its content were the variant's (A is the campaign's own)."""
    if variant.label == "A":
        return campaign
    twin = copy.copy(campaign)
    twin.text = variant.text
    twin.content = variant.content or campaign.content
    return twin


def split_for(campaign: Campaign, audience: QuerySet) -> Split | None:
    """The A/B split of this materialization (None: not an A/B campaign). Starting a
    test-first campaign starts its test phase and sets when the winner is picked."""
    test = active_test(campaign)
    if test is None:
        return None
    variants = list(CampaignVariant.objects.filter(campaign_id=campaign.pk).select_related("campaign").order_by("label"))
    for v in variants:
        v.campaign = campaign
    if test.winner_id:
        return Split([v for v in variants if v.pk == test.winner_id] or variants[:1], None, None)
    order = shuffled_contacts(campaign, audience)
    if test.mode == ABTest.Mode.SPLIT:
        ABTest.objects.filter(pk=test.pk, phase=Phase.DRAFT).update(phase=Phase.SPLIT)
        return Split(variants, _deal(order, variants), None)
    tested = order[: test_share_size(len(order), test.test_share, len(variants))]
    _begin_testing(test)
    return Split(variants, _deal(tested, variants), tested)


def _deal(contact_ids: list[int], variants: list[CampaignVariant]) -> dict[int, int]:
    return {contact_id: variants[i % len(variants)].pk for i, contact_id in enumerate(contact_ids)}


def _begin_testing(test: ABTest) -> None:
    decide_at = timezone.now() + timedelta(minutes=test.wait_minutes)
    if ABTest.objects.filter(pk=test.pk, phase=Phase.DRAFT).update(phase=Phase.TESTING, decide_at=decide_at):
        _schedule_decision(test.campaign_id, decide_at)


def _schedule_decision(campaign_id: int, when) -> None:
    """A one-off task at the decision time (the tick picks it up too, after a restart)."""
    try:
        from django_q.models import Schedule
        from django_q.tasks import schedule

        schedule(
            "campaigns.tasks.ab_decide", campaign_id, name=f"ab-test decision {campaign_id}", schedule_type=Schedule.ONCE, next_run=when
        )
    except Exception:
        log.exception("could not schedule the A/B decision of campaign %s (the tick will make it)", campaign_id)


def holds_completion(campaign_id: int) -> bool:
    """A test-first campaign is not complete while its winner is not picked yet."""
    return ABTest.objects.filter(campaign_id=campaign_id, phase__in=[Phase.TESTING, Phase.AWAITING_PICK]).exists()


# --- the decision ------------------------------------------------------------------


def decide_due(now=None) -> int:
    """Decide every running test whose wait is over. Returns how many were decided."""
    now = now or timezone.now()
    due = ABTest.objects.filter(phase=Phase.TESTING, decide_at__lte=now, campaign__status=Campaign.Status.RUNNING)
    return sum(1 for campaign_id in due.values_list("campaign_id", flat=True) if decide(campaign_id, now=now))


def decide(campaign_id: int, now=None) -> bool:
    """The wait is over: pick the best variant by the metric, or wait for the marketer."""
    from campaigns.services.ab_results import variant_results

    now = now or timezone.now()
    campaign = Campaign.objects.filter(pk=campaign_id, status=Campaign.Status.RUNNING).first()
    test = ABTest.objects.filter(campaign_id=campaign_id, phase=Phase.TESTING, decide_at__lte=now).first()
    if campaign is None or test is None:
        return False
    if not test.auto_pick:
        with transaction.atomic():
            if not ABTest.objects.filter(pk=test.pk, phase=Phase.TESTING).update(phase=Phase.AWAITING_PICK):
                return False
            Campaign.objects.filter(pk=campaign_id).update(status_reason="Waiting for you to pick the winner of the A/B test.")
        _notify_pick_needed(campaign)
        return True
    results = variant_results(campaign, test)
    leader = results.leader
    variant = CampaignVariant.objects.get(pk=leader.variant_id)
    return pick_winner(campaign, variant, reason=results.auto_pick_reason(), expected=[Phase.TESTING])


def pick_winner(campaign: Campaign, variant: CampaignVariant, *, user=None, reason: str = "", expected: list[str] | None = None) -> bool:
    """Make ``variant`` the winner (once) and send it to the rest of the audience."""
    from campaigns.services import audit

    if variant.campaign_id != campaign.pk or campaign.status not in (Campaign.Status.RUNNING, Campaign.Status.PAUSED):
        return False
    phases = expected or [Phase.TESTING, Phase.AWAITING_PICK]
    with transaction.atomic():
        moved = ABTest.objects.filter(campaign_id=campaign.pk, phase__in=phases).update(
            phase=Phase.WINNER, winner=variant, picked_by=user, picked_at=timezone.now(), pick_reason=reason[:300]
        )
        if not moved:
            return False
        # recipients 0 marks "materializing": the tick finishes it if this process dies.
        Campaign.objects.filter(pk=campaign.pk).update(recipients=0, status_reason="")
    audit.record("campaign.ab_winner", target=campaign, changes={"winner": variant.label, "reason": reason[:300]})
    send_rest(campaign.pk)
    return True


def pick_by_label(campaign: Campaign, label: str, user=None) -> str:
    """A person picks the winner; returns what stops it ("" when picked)."""
    test = ABTest.objects.filter(campaign_id=campaign.pk).first()
    variant = CampaignVariant.objects.filter(campaign_id=campaign.pk, label=label).first()
    if test is None or variant is None:
        return f"This campaign has no variant {label}." if test else "This campaign is not an A/B test."
    if test.phase not in (Phase.TESTING, Phase.AWAITING_PICK):
        return "The winner is already picked." if test.winner_id else "Only a test in progress can get a winner."
    if campaign.status not in (Campaign.Status.RUNNING, Campaign.Status.PAUSED):
        return f"A {campaign.status} campaign sends nothing more."
    name = (user.get_full_name() or user.email) if user is not None else "an API key"
    if not pick_winner(campaign, variant, user=user, reason=f"Picked by {name}."):
        return "The winner was picked meanwhile."
    return ""


def send_rest(campaign_id: int) -> int:
    """Materialize the rest of the audience with the winner and queue it."""
    from campaigns.services.materialize import materialize
    from campaigns.services.pipeline import _enqueue_range, maybe_complete

    campaign = Campaign.objects.get(pk=campaign_id)
    running = campaign.status == Campaign.Status.RUNNING
    created = materialize(campaign, enqueue=running, on_page=_enqueue_range)
    maybe_complete(campaign_id)
    return created


def _notify_pick_needed(campaign: Campaign) -> None:
    try:
        from django.urls import reverse

        from campaigns.models import NoticeKind
        from campaigns.services.notifications import Audience, notify

        notify(
            campaign.account_id,
            NoticeKind.AB_TEST_PICK,
            f"ab-test-pick:{campaign.pk}",
            f"Pick the winner of “{campaign.name}”",
            "The A/B test is over: pick the variant the rest of the audience gets.",
            reverse("campaign_detail", args=[campaign.pk]),
            Audience(
                subaccount_id=campaign.subaccount_id, marketers=True, user_ids=(campaign.created_by_id,) if campaign.created_by_id else ()
            ),
        )
    except Exception:
        log.exception("could not notify the A/B pick of campaign %s", campaign.pk)
