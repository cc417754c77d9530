"""A plain SMS campaign through each provider end to end: composed, launched, sent to the
provider's simulator, and its final statuses back, from webhooks or (VavaSMS, which
pushes no reports) from the engine's periodic status polling."""

from __future__ import annotations

from decimal import Decimal

import pytest

from campaigns.models import Message
from campaigns.services.maintenance import tick
from providers.registry import backends
from tests.e2e.conftest import compose, page_and_stats, run, statuses

# (delivered, undelivered) per provider, in each one's usual numbering plan.
NUMBERS = {
    "vt": ("+923001234512", "+923001234529"),
    "vappstore": ("+6792870912", "+6792870929"),
    "wavy": ("+5511987650012", "+5511987650029"),
    "vavasms": ("+2250700000012", "+2250700000029"),
    "unified": ("+971501234512", "+971501234529"),
}


def test_every_registered_provider_is_covered():
    assert set(NUMBERS) == set(backends())


@pytest.mark.parametrize("slug", sorted(NUMBERS))
def test_sms_campaign_reaches_final_statuses(demo, slug):
    delivered, undelivered = NUMBERS[slug]
    campaign = compose(
        demo,
        {"name": f"SMS {slug}", "channel": "sms", "connection": demo.connections[slug].pk},
        sender=demo.senders["sms"],
        content={"text": "Hello {{ first_name }}"},
        numbers=[delivered, undelivered],
        list_name=f"SMS {slug}",
    )

    campaign = run(demo, campaign)
    tick()  # the periodic engine job: reconciles, completes, applies leftovers

    assert statuses(campaign) == {delivered: "delivered", undelivered: "undelivered"}
    messages = Message.objects.filter(campaign=campaign)
    assert all(m.provider_message_id for m in messages)
    assert {m.cost for m in messages} == {Decimal("0.01")}
    campaign.refresh_from_db()
    assert campaign.status == "completed" and campaign.spent == Decimal("0.02")
    _, stats = page_and_stats(demo, campaign)
    assert stats["funnel"][-1] == ["Delivered", 1]


def test_vavasms_statuses_come_from_polling(demo):
    delivered, undelivered = NUMBERS["vavasms"]
    campaign = compose(
        demo,
        {"name": "Polled", "channel": "sms", "connection": demo.connections["vavasms"].pk},
        sender=demo.senders["sms"],
        content={"text": "Hello"},
        numbers=[delivered, undelivered],
        list_name="Polled",
    )
    campaign = run(demo, campaign)
    assert set(statuses(campaign).values()) == {"submitted"}  # no webhook ever comes

    tick()

    assert statuses(campaign) == {delivered: "delivered", undelivered: "undelivered"}
    assert any("text/status" in r.url.path for r in demo.transport.to("vavasms"))
