"""A/B test fixtures: the engine world (funded, a VT connection through its simulator)
and a campaign with variants."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from campaigns.models import ABTest, Campaign, CampaignVariant, Click, Message, ShortLink
from tests.api.conftest import _fresh_cache, api, keys, outsider_api  # noqa: F401
from tests.engine.conftest import add_contacts, engine_world, make_campaign, numbers  # noqa: F401
from tests.web.conftest import contact_list, contacts, draft  # noqa: F401

TEXTS = {"A": "Spring sale: 10% off today", "B": "Hi {{ first_name }}, 20% off just for you", "C": "Last day of the sale", "D": "Sale!"}


def ab_campaign(world, count: int = 100, labels: str = "AB", **settings) -> Campaign:
    audience = add_contacts(world.account, numbers(count), first_name="Sam")
    campaign = make_campaign(world, audience, text=TEXTS["A"])
    for label in labels:
        CampaignVariant.objects.create(campaign=campaign, label=label, text="" if label == "A" else TEXTS[label])
    ABTest.objects.create(campaign=campaign, **settings)
    return campaign


def variant_messages(campaign: Campaign, label: str):
    return Message.objects.filter(campaign=campaign, variant__label=label)


def click_messages(messages) -> int:
    """A person clicks the short link of each message (recorded like the redirect does)."""
    for message in messages:
        link = ShortLink.objects.create(
            account_id=message.account_id,
            campaign_id=message.campaign_id,
            message=message,
            contact_id=message.contact_id,
            url="https://shop.test/sale",
            code=f"ab{message.pk:06d}",
        )
        Click.objects.create(
            link=link,
            account_id=message.account_id,
            campaign_id=message.campaign_id,
            contact_id=message.contact_id,
            message=message,
            clicked_at=timezone.now(),
        )
    return len(messages)


def wait_is_over(campaign: Campaign) -> None:
    ABTest.objects.filter(campaign=campaign).update(decide_at=timezone.now() - timedelta(seconds=1))
