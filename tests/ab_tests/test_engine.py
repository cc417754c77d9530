"""A/B tests in the pipeline: the test share split evenly, the winner by the metric sent to
the rest; a whole-audience split; the marketer's pick; pause and cancel in each phase."""

from __future__ import annotations

from collections import Counter

from campaigns.models import ABTest, Campaign, Message
from campaigns.services.ab_tests import decide_due, pick_winner, shuffled_contacts
from campaigns.services.audience import recipients
from campaigns.services.campaigns import cancel, launch, pause, resume
from campaigns.services.maintenance import tick
from tests.ab_tests.conftest import ab_campaign, click_messages, variant_messages, wait_is_over

Phase = ABTest.Phase


def _by_variant(campaign) -> Counter:
    return Counter(Message.objects.filter(campaign=campaign).values_list("variant__label", flat=True))


def test_test_share_then_the_winner_by_click_rate(engine_world, simulators, client):
    campaign = ab_campaign(engine_world, 100, "AB", mode="winner", test_share=20, wait_minutes=60, metric="clicks")
    launch(campaign)
    simulators.deliver(client)
    assert _by_variant(campaign) == {"A": 10, "B": 10}
    b_texts = set(variant_messages(campaign, "B").values_list("text", flat=True))
    assert b_texts == {"Hi Sam, 20% off just for you"}
    campaign.refresh_from_db()
    assert campaign.status == "running", "the test is sent, the rest waits for the winner"
    assert ABTest.objects.get(campaign=campaign).phase == Phase.TESTING

    assert decide_due() == 0, "nothing is decided before the wait is over"
    click_messages(list(variant_messages(campaign, "B")[:6]))
    click_messages(list(variant_messages(campaign, "A")[:1]))
    wait_is_over(campaign)
    assert tick()["ab_decided"] == 1
    simulators.deliver(client)

    test = ABTest.objects.get(campaign=campaign)
    assert test.phase == Phase.WINNER and test.winner.label == "B"
    assert "B had the highest click-through rate, 60.0% (vs A 10.0%)" in test.pick_reason
    assert _by_variant(campaign) == {"A": 10, "B": 90}
    campaign.refresh_from_db()
    assert campaign.status == "completed" and campaign.recipients == 100
    assert simulators["vt"].stats()["submissions"] >= 1
    assert Message.objects.filter(campaign=campaign).exclude(status="delivered").count() == 0
    assert tick()["ab_decided"] == 0, "decided once"


def test_split_the_whole_audience_evenly(engine_world, simulators, client):
    campaign = ab_campaign(engine_world, 30, "ABC", mode="split")
    launch(campaign)
    simulators.deliver(client)
    assert _by_variant(campaign) == {"A": 10, "B": 10, "C": 10}
    campaign.refresh_from_db()
    assert campaign.status == "completed"
    assert ABTest.objects.get(campaign=campaign).phase == Phase.SPLIT


def test_the_shuffle_is_the_same_after_a_restart(engine_world):
    campaign = ab_campaign(engine_world, 50, "AB", mode="split")
    audience = recipients(campaign.account, campaign.audience)
    first = shuffled_contacts(campaign, audience)
    assert first == shuffled_contacts(campaign, audience)
    assert first != sorted(first), "shuffled, not in id order"


def test_the_marketer_picks_the_winner(engine_world, simulators, client):
    campaign = ab_campaign(engine_world, 40, "AB", mode="winner", test_share=50, auto_pick=False, metric="delivery")
    launch(campaign)
    simulators.deliver(client)
    wait_is_over(campaign)
    tick()
    campaign.refresh_from_db()
    test = ABTest.objects.get(campaign=campaign)
    assert test.phase == Phase.AWAITING_PICK and campaign.status == "running"
    assert "pick the winner" in campaign.status_reason
    assert _by_variant(campaign) == {"A": 10, "B": 10}

    a = campaign.variants.get(label="A")
    assert pick_winner(campaign, a, user=engine_world.marketer, reason="Picked by Mara")
    assert not pick_winner(campaign, a, user=engine_world.marketer), "a second pick changes nothing"
    simulators.deliver(client)
    campaign.refresh_from_db()
    assert _by_variant(campaign) == {"A": 30, "B": 10}
    assert campaign.status == "completed"
    assert ABTest.objects.get(campaign=campaign).picked_by == engine_world.marketer


def test_a_paused_test_is_decided_after_resume(engine_world, simulators, client):
    campaign = ab_campaign(engine_world, 20, "AB", mode="winner", test_share=20)
    launch(campaign)
    simulators.deliver(client)
    pause(campaign, "hold on")
    wait_is_over(campaign)
    assert tick()["ab_decided"] == 0
    assert Message.objects.filter(campaign=campaign).count() == 4
    resume(campaign)
    campaign.refresh_from_db()
    assert campaign.status == "running", "resuming a test does not complete the campaign"
    assert tick()["ab_decided"] == 1
    simulators.deliver(client)
    assert Message.objects.filter(campaign=campaign).count() == 20
    assert Campaign.objects.get(pk=campaign.pk).status == "completed"


def test_a_cancelled_test_sends_nothing_more(engine_world, simulators, client):
    campaign = ab_campaign(engine_world, 20, "AB", mode="winner", test_share=20)
    launch(campaign)
    cancel(campaign)
    wait_is_over(campaign)
    assert tick()["ab_decided"] == 0
    assert not pick_winner(campaign, campaign.variants.get(label="B"))
    assert Message.objects.filter(campaign=campaign).count() == 4
    assert Campaign.objects.get(pk=campaign.pk).status == "cancelled"


def test_estimate_prices_the_longest_variant_and_duplicate_keeps_the_test(engine_world):
    from campaigns.models import CampaignVariant
    from campaigns.services.campaigns import duplicate
    from campaigns.services.estimate import estimate

    campaign = ab_campaign(engine_world, 10, "AB", mode="split", metric="replies")
    one_segment = estimate(campaign)
    assert one_segment.units == 10
    CampaignVariant.objects.filter(campaign=campaign, label="B").update(text="Long offer " * 20)  # 220 characters: 2 segments
    assert estimate(campaign).units == 20, "priced as the longest variant"

    copy = duplicate(campaign, engine_world.marketer)
    assert list(copy.variants.values_list("label", "text")) == [("A", ""), ("B", "Long offer " * 20)]
    assert (copy.ab_test.mode, copy.ab_test.metric, copy.ab_test.phase) == ("split", "replies", "")


def test_a_channel_without_text_ignores_the_variants(engine_world):
    from campaigns.services.ab_tests import active_test

    campaign = ab_campaign(engine_world, 4, "AB", mode="split")
    assert active_test(campaign) is not None
    campaign.channel, campaign.content = "voice", {"kind": "call", "recording_id": 1}
    assert active_test(campaign) is None


def test_winner_by_taps_on_the_short_links(engine_world, simulators, client):
    """The links engineer's redirect records the taps; the click-through rate picks B."""
    from datetime import timedelta

    from django.test import Client
    from django.utils import timezone

    from campaigns.models import CampaignVariant, ShortLink

    campaign = ab_campaign(engine_world, 40, "AB", mode="winner", test_share=50, metric="clicks")
    Campaign.objects.filter(pk=campaign.pk).update(text="Spring sale: https://shop.example.com/a")
    CampaignVariant.objects.filter(campaign=campaign, label="B").update(text="Hi {{ first_name }}, 20% off: https://shop.example.com/b")
    campaign.refresh_from_db()
    launch(campaign)
    simulators.deliver(client)
    Message.objects.filter(campaign=campaign).update(delivered_at=timezone.now() - timedelta(minutes=1))  # a person's tap, not a preview
    phone = Client(HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 14) Chrome/126 Mobile")
    b_links = ShortLink.objects.filter(message__variant__label="B")
    a_links = ShortLink.objects.filter(message__variant__label="A")
    assert b_links.count() == 10 and a_links.count() == 10
    tested = list(Message.objects.filter(campaign=campaign).values_list("pk", flat=True))
    for link in b_links[:4]:
        assert phone.get(f"/l/{link.code}").status_code == 302
    assert phone.get(f"/l/{a_links.first().code}").status_code == 302

    wait_is_over(campaign)
    assert tick()["ab_decided"] == 1
    test = ABTest.objects.get(campaign=campaign)
    assert test.winner.label == "B" and "click-through rate, 40.0% (vs A 10.0%)" in test.pick_reason
    simulators.deliver(client)
    assert _by_variant(campaign) == {"A": 10, "B": 30}
    rest = Message.objects.filter(campaign=campaign, variant__label="B").exclude(pk__in=tested)
    assert rest.count() == 20 and all("/l/" in text for text in rest.values_list("text", flat=True))
