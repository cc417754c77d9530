"""Clicks written in batches off the request: nothing is lost, events go out for people's clicks."""

from __future__ import annotations

from django.utils import timezone

from campaigns.models import Campaign, Click, EventDelivery, EventSubscription, ShortLink
from campaigns.services.click_writer import ClickWriter


def test_batched_clicks_are_written_on_flush(world):
    campaign = Campaign.objects.create(account=world.account, name="Sale")
    link = ShortLink.objects.create(account=world.account, campaign=campaign, url="https://shop.test", code="Zz12345")
    EventSubscription.objects.create(account=world.account, url="https://hooks.example.test/in", events=["message.clicked"])
    writer = ClickWriter(interval_ms=600_000)  # the thread would wait ten minutes: only flush() writes
    for is_bot in (False, False, True):
        click = Click(link=link, account=world.account, campaign=campaign, clicked_at=timezone.now(), is_bot=is_bot)
        writer.add(click, link.url, None)
    assert not Click.objects.exists()

    assert writer.flush() == 3

    assert Click.objects.filter(campaign=campaign).count() == 3
    events = EventDelivery.objects.filter(kind="message.clicked")
    assert events.count() == 2 and events.first().payload["url"] == "https://shop.test"
    assert writer.flush() == 0
