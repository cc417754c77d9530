"""A/B test screens in a real browser at desktop and phone width: the composer's variants
(live counter and preview per variant), the plan on the review, and the campaign page's
results waiting for a pick. Screenshots: var/screenshots/abtest-*.png."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from campaigns.models import ABTest, Campaign, CampaignVariant, Message, StatusCount
from tests.browser.conftest import SHOTS, log_in, shot, wait_js
from tests.browser.marketer.conftest import contacts_for

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _draft(world) -> Campaign:
    return Campaign.objects.create(
        account=world.account,
        subaccount=world.subaccount,
        name="Bundle offer",
        channel="sms",
        connection=world.connection,
        sender=world.connection.sender_ids.first(),
        text="Hi {{ first_name }}, 20% off all bundles this week.",
        audience={"lists": [world.contact_list.pk]},
    )


def test_composer_variants_and_review(page, live_server, sending_world):
    campaign = _draft(sending_world)
    log_in(page, live_server, "marketer@acme.test")
    page.goto(f"{live_server.url}/campaigns/{campaign.pk}/edit/ab-test/")
    page.get_by_label("Test 2–4 versions of this message").check()
    page.locator("#id_text_b").fill("{{ first_name }}, your bundle is 30% off until Sunday. Reply YES to get it.")
    page.locator("#id_text_c").fill("Last chance: bundles 20% off, today only 🎉")
    wait_js(page, "document.querySelector('[data-variant-preview=\"C\"]').textContent.includes('Last chance')")
    wait_js(page, "document.querySelector('[data-variant-preview=\"B\"]').textContent.startsWith('Ali')")
    assert "Unicode" in page.locator("[data-variant-counter='C']").inner_text()
    assert "1 segment" in page.locator("[data-variant-counter='A']").inner_text()
    page.get_by_label("Click-through rate").check()
    shot(page, "abtest-composer-desktop")
    page.get_by_label("Split the whole audience").check()
    assert page.locator("#ab-winner-settings").is_hidden(), "share and wait only matter for 'test first'"
    page.get_by_label("Test a share first, then send the winner").check()
    page.set_viewport_size(PHONE)
    assert _no_sideways_scroll(page)
    shot(page, "abtest-composer-phone")
    page.get_by_role("button", name="Save and continue to audience").click()
    page.wait_for_url(f"**/campaigns/{campaign.pk}/edit/audience/")
    assert CampaignVariant.objects.filter(campaign=campaign).count() == 3

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/campaigns/{campaign.pk}/edit/review/")
    plan = page.locator("#review-ab-plan")
    assert "split evenly at random between A, B and C" in plan.inner_text()
    shot(page, "abtest-review-desktop")
    page.set_viewport_size(PHONE)
    assert _no_sideways_scroll(page)
    shot(page, "abtest-review-phone")


def _results_campaign(world) -> Campaign:
    world.account.timezone = "Asia/Karachi"
    world.account.save()
    started = timezone.now() - dt.timedelta(hours=5)
    campaign = _draft(world)
    Campaign.objects.filter(pk=campaign.pk).update(
        status="running",
        launched_at=started,
        started_at=started,
        recipients=1000,
        status_reason="Waiting for you to pick the winner of the A/B test.",
    )
    campaign.refresh_from_db()
    a = CampaignVariant.objects.create(campaign=campaign, label="A")
    b = CampaignVariant.objects.create(campaign=campaign, label="B", text="{{ first_name }}, bundles 30% off until Sunday.")
    ABTest.objects.create(
        campaign=campaign, mode="winner", test_share=20, wait_minutes=240, metric="delivery", auto_pick=False, phase="awaiting_pick",
        decide_at=started + dt.timedelta(hours=4),
    )  # fmt: skip
    contacts = contacts_for(world, 200)
    rows = []
    for variant, delivered in ((a, 78), (b, 93)):
        for i in range(100):
            contact = contacts[i + (100 if variant == b else 0)]
            status = "delivered" if i < delivered else "undelivered"
            rows.append(
                Message(
                    account=world.account, subaccount=world.subaccount, campaign=campaign, contact=contact, connection=world.connection,
                    to=contact.phone, status=status, variant=variant, text="x", created_at=started,
                )
            )  # fmt: skip
    Message.objects.bulk_create(rows)
    StatusCount.objects.create(account=world.account, campaign=campaign, status="delivered", count=171)
    StatusCount.objects.create(account=world.account, campaign=campaign, status="undelivered", count=29)
    return campaign


def test_campaign_page_results(page, live_server, sending_world, simulators):
    campaign = _results_campaign(sending_world)
    log_in(page, live_server, "marketer@acme.test")
    page.goto(f"{live_server.url}/campaigns/{campaign.pk}/")
    card = page.locator("#ab-results")
    assert "Waiting for you to pick a winner" in card.inner_text()
    assert "B beats A: 99% confident this is not chance" in card.inner_text()
    shot(page, "abtest-results-desktop")
    card.screenshot(path=str(SHOTS / "abtest-results-card-desktop.png"))
    page.set_viewport_size(PHONE)
    page.reload()
    assert _no_sideways_scroll(page)
    shot(page, "abtest-results-phone")
    page.locator("#ab-results").screenshot(path=str(SHOTS / "abtest-results-card-phone.png"))
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator("#pick-B").click()
    page.wait_for_selector("#ab-winner")
    assert "Winner: B." in page.locator("#ab-winner").inner_text()
    shot(page, "abtest-results-picked-desktop")


def test_review_sends_a_test_of_a_chosen_variant(page, live_server, sending_world, simulators):
    campaign = _draft(sending_world)
    CampaignVariant.objects.create(campaign=campaign, label="A")
    CampaignVariant.objects.create(campaign=campaign, label="B", text="{{ first_name }}, your bundle is 30% off until Sunday.")
    ABTest.objects.create(campaign=campaign)
    log_in(page, live_server, "marketer@acme.test")
    page.goto(f"{live_server.url}/campaigns/{campaign.pk}/edit/review/")
    page.get_by_label("Send a test to").fill("+923001234512")
    page.locator("#id_variant").select_option("B")
    page.get_by_role("button", name="Send test").click()
    page.wait_for_url(f"**/campaigns/{campaign.pk}/edit/review/")
    assert "Test of variant B queued" in page.content()
    wait_js(page, "document.querySelector('#test-sends .test-send .badge') !== null")
    assert "Variant B" in page.locator("#test-sends").inner_text()
    assert "30% off until Sunday" in page.locator("#test-sends .test-text").first.inner_text()
    page.locator("#test-card").scroll_into_view_if_needed()
    shot(page, "abtest-test-send-desktop")
    page.locator("#test-card").screenshot(path=str(SHOTS / "abtest-test-send-card-desktop.png"))
    page.set_viewport_size(PHONE)
    assert _no_sideways_scroll(page)
    page.locator("#test-card").screenshot(path=str(SHOTS / "abtest-test-send-card-phone.png"))
    assert Message.objects.get(test_of=campaign).variant.label == "B"
