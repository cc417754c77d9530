"""The contact page lists the contact's link clicks (bots marked as not counted), only on
campaigns the viewer may see."""

from __future__ import annotations

from django.utils import timezone

from campaigns.models import Campaign, Click, Contact, Message, ShortLink
from tests.conftest import login, make_connection


def _clicked(world, subaccount=None, is_bot=False) -> Contact:
    conn = make_connection(world.account)
    campaign = Campaign.objects.create(account=world.account, subaccount=subaccount, name="Spring sale", connection=conn)
    contact = Contact.objects.create(account=world.account, phone="+923001234512")
    message = Message.objects.create(account=world.account, campaign=campaign, contact=contact, connection=conn, to=contact.phone)
    link = ShortLink.objects.create(
        account=world.account, campaign=campaign, message=message, contact=contact, url="https://shop.test/spring", code="Abc1234"
    )
    Click.objects.create(
        link=link,
        account=world.account,
        campaign=campaign,
        contact=contact,
        message=message,
        clicked_at=timezone.now(),
        is_bot=is_bot,
        bot_reason="preview agent" if is_bot else "",
    )
    return contact


def test_contact_page_lists_clicks(world):
    contact = _clicked(world, world.subaccount)
    page = login(world.marketer).get(f"/contacts/{contact.pk}/").content.decode()
    section = page[page.index('id="contact-clicks"') :]
    assert "Spring sale" in section and "https://shop.test/spring" in section and "not counted" not in section


def test_a_bot_click_is_marked(world):
    contact = _clicked(world, world.subaccount, is_bot=True)
    page = login(world.admin).get(f"/contacts/{contact.pk}/").content.decode()
    assert "not counted: preview agent" in page


def test_clicks_on_another_subaccounts_campaign_are_hidden(world):
    from campaigns.models import Subaccount

    other = Subaccount.objects.create(account=world.account, name="Sales")
    contact = _clicked(world, other)
    page = login(world.marketer).get(f"/contacts/{contact.pk}/").content.decode()
    assert "https://shop.test/spring" not in page and "No link clicks yet." in page


def test_outsider_cannot_see_the_contact(world, outsider_client):
    contact = _clicked(world)
    assert outsider_client.get(f"/contacts/{contact.pk}/").status_code == 404
