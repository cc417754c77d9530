"""The click counts other features build on: campaign CTR, unique clickers of some
messages (A/B variants), contacts who clicked since (segments). Bots never count."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import Campaign, Click, Contact, Message, ShortLink, StatusCount
from campaigns.services.links import clicks_by_campaign, contacts_who_clicked, unique_clickers
from tests.conftest import make_connection


@pytest.fixture
def sent(world):
    """A campaign with three delivered messages, each with its short link."""
    conn = make_connection(world.account)
    campaign = Campaign.objects.create(account=world.account, name="Sale", text="See https://shop.test", connection=conn)
    links = []
    for i in range(3):
        contact = Contact.objects.create(account=world.account, phone=f"+92300123450{i}")
        message = Message.objects.create(
            account=world.account, campaign=campaign, contact=contact, connection=conn, to=contact.phone, status="delivered"
        )
        links.append(
            ShortLink.objects.create(
                account=world.account, campaign=campaign, message=message, contact=contact, url="https://shop.test", code=f"c0de00{i}"
            )
        )
    StatusCount.objects.create(account=world.account, campaign=campaign, status="delivered", count=3)
    return campaign, links


def click(link: ShortLink, *, is_bot: bool = False, ago: timedelta = timedelta(0)) -> Click:
    return Click.objects.create(
        link=link,
        account_id=link.account_id,
        campaign_id=link.campaign_id,
        contact_id=link.contact_id,
        message_id=link.message_id,
        clicked_at=timezone.now() - ago,
        is_bot=is_bot,
        bot_reason="preview agent" if is_bot else "",
    )


def test_campaign_counts_people_not_bots(sent):
    campaign, links = sent
    click(links[0])
    click(links[0])
    click(links[1])
    click(links[2], is_bot=True)
    stats = clicks_by_campaign(campaign)
    assert stats["clicks"] == 3
    assert stats["unique_clickers"] == 2
    assert stats["ctr"] == 66.7  # 2 of 3 delivered
    assert stats["bot_clicks"] == 1


def test_ctr_is_none_before_anything_is_delivered(world):
    campaign = Campaign.objects.create(account=world.account, name="Empty")
    assert clicks_by_campaign(campaign) == {"clicks": 0, "unique_clickers": 0, "ctr": None, "delivered": 0, "bot_clicks": 0}


def test_unique_clickers_of_some_messages(sent):
    campaign, links = sent
    click(links[0])
    click(links[1])
    click(links[1])
    first_two = [links[0].message_id, links[2].message_id]
    assert unique_clickers(campaign, first_two) == 1
    assert unique_clickers(campaign, Message.objects.filter(pk__in=[links[1].message_id, links[2].message_id])) == 1
    assert unique_clickers(campaign, Message.objects.filter(campaign=campaign).values_list("id", flat=True)) == 2
    assert unique_clickers(campaign) == 2


def test_contacts_who_clicked_since(sent, world):
    _, links = sent
    click(links[0], ago=timedelta(days=10))
    click(links[1], ago=timedelta(days=1))
    click(links[2], is_bot=True)
    since = timezone.now() - timedelta(days=7)
    assert list(contacts_who_clicked(world.account, since)) == [links[1].contact_id]
    assert set(Contact.objects.filter(pk__in=contacts_who_clicked(world.account, since - timedelta(days=7)))) == {
        links[0].contact,
        links[1].contact,
    }
    assert list(contacts_who_clicked(world.other_account, since)) == []
