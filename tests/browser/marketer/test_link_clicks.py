"""Real browser: the campaign page's "Link clicks" section (tiles, clicks over time, top
links) at desktop and phone width, and the composer's counter counting a tracked link at
the short link's length. Screenshots: var/screenshots/links-*.png."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from campaigns.models import Campaign, Click, Message, ShortLink
from campaigns.services.shortener import measured, new_code
from tests.browser.conftest import SHOTS, log_in, shot, wait_js
from tests.browser.marketer.test_campaign_page_screens import WIDTHS, assert_fits, make_campaign, open_page

pytestmark = pytest.mark.browser

URLS = [
    "https://shop.example.com/winter-bundles?utm_source=sms&utm_campaign=winter-2026-launch-week",
    "https://shop.example.com/stores",
]


def add_clicks(campaign: Campaign) -> None:
    """A link per URL per message; clicks spread over a few hours, some recipients twice,
    plus a preview fetch that is not counted."""
    links = [
        ShortLink(account_id=m.account_id, campaign=campaign, message=m, contact_id=m.contact_id, url=url, code=new_code())
        for m in Message.objects.filter(campaign=campaign)
        for url in URLS
    ]
    ShortLink.objects.bulk_create(links)
    start = timezone.now() - dt.timedelta(hours=5)
    clicks = []
    for i, link in enumerate(links[:60]):
        if i % 3 == 2 and link.url == URLS[1]:
            continue
        for repeat in range(1 + (i % 5 == 0)):
            clicks.append(
                Click(
                    link=link,
                    account_id=link.account_id,
                    campaign=campaign,
                    contact_id=link.contact_id,
                    message=link.message,
                    clicked_at=start + dt.timedelta(minutes=4 * i + repeat),
                    user_agent="Mozilla/5.0 (Linux; Android 14)",
                )
            )
    clicks.append(
        Click(
            link=links[0],
            account_id=links[0].account_id,
            campaign=campaign,
            message=links[0].message,
            clicked_at=start,
            is_bot=True,
            bot_reason="preview agent",
            user_agent="WhatsApp/2.23",
        )
    )
    Click.objects.bulk_create(clicks)


@pytest.mark.parametrize("width", WIDTHS)
def test_campaign_page_link_clicks(browser, live_server, sending_world, width):
    campaign = make_campaign(sending_world, "Winter bundles", "completed", {"delivered": 120, "undelivered": 4})
    add_clicks(campaign)
    context, page = open_page(browser, live_server, WIDTHS[width])
    page.goto(f"{live_server.url}/campaigns/{campaign.pk}/")
    wait_js(page, "window.Chart && Chart.getChart(document.getElementById('chart-clicks'))")
    people = Click.objects.filter(campaign=campaign, is_bot=False)
    unique = people.values("message_id").distinct().count()
    assert page.locator("#click-total").inner_text() == str(people.count())
    assert page.locator("#click-unique").inner_text() == str(unique)
    assert page.locator("#click-ctr").inner_text() == f"{round(100 * unique / 120, 1)}%"
    assert "(1 left out)" in page.locator("#clicks").inner_text()
    assert page.locator(".top-links tbody tr").count() == 2
    assert_fits(page)
    page.locator("#clicks").scroll_into_view_if_needed()
    shot(page, f"links-campaign-{width}")
    page.locator("#clicks").screenshot(path=str(SHOTS / f"links-section-{width}.png"))
    context.close()


def test_campaign_without_clicks_yet(browser, live_server, sending_world):
    campaign = make_campaign(sending_world, "Just sent", "running", {"delivered": 5, "sent": 4})
    message = Message.objects.filter(campaign=campaign).first()
    ShortLink.objects.create(account=sending_world.account, campaign=campaign, message=message, url=URLS[1], code=new_code())
    context, page = open_page(browser, live_server, WIDTHS["phone"])
    page.goto(f"{live_server.url}/campaigns/{campaign.pk}/")
    assert "No taps yet on the 1 tracked link." in page.locator("#clicks").inner_text()
    assert page.locator("#click-ctr").inner_text() == "0.0%"
    assert_fits(page)
    page.locator("#clicks").screenshot(path=str(SHOTS / "links-section-empty-phone.png"))
    context.close()


def test_composer_counts_the_short_link(page, live_server, sending_world):
    world = sending_world
    campaign = Campaign.objects.create(
        account=world.account,
        subaccount=world.subaccount,
        created_by=world.marketer,
        name="Links",
        channel="sms",
        connection=world.connection,
        sender=world.connection.sender_ids.first(),
    )
    log_in(page, live_server, "marketer@acme.test")
    page.goto(f"{live_server.url}/campaigns/{campaign.pk}/edit/content/")
    sample = page.locator("#id_text").get_attribute("data-short-link")
    for text in [f"Sale {URLS[0]}!", f"(see {URLS[1]}), !{URLS[1]}.", "no link", f"x {URLS[0]}) {URLS[0]}(a)"]:
        assert page.evaluate("([t, s]) => window.SmsCounter.withShortLinks(t, s)", [text, sample]) == measured(text), text
    long_text = "Winter bundles are here: " + URLS[0] + "&ref=" + "a" * 60
    page.locator("#id_text").fill(long_text)
    wait_js(
        page, "document.querySelector('#sms-counter [data-segments]') && document.getElementById('sms-counter').dataset.source === 'server'"
    )
    assert page.locator("#sms-counter [data-segments]").inner_text() == "1"
    assert "/l/" in page.locator("#preview-text").inner_text()
    shot(page, "links-composer-tracked")
    page.get_by_label("Track links").uncheck()
    wait_js(page, "document.querySelector('#sms-counter [data-segments]').textContent === '2'")
    page.get_by_role("button", name="Continue to audience").click()
    page.wait_for_url(f"**/campaigns/{campaign.pk}/edit/audience/")
    campaign.refresh_from_db()
    assert campaign.track_links is False and campaign.text == long_text
