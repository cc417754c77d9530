"""Real browser: build a segment with the rule builder (live count), launch a campaign to it,
open a recipient's short link and see the click on the campaign page; the segment editor, the
composer's audience step and the contacts page filter at desktop and phone width.
Screenshots: var/screenshots/segments-*.png."""

from __future__ import annotations

import copy

import pytest
from django.test import Client
from playwright.sync_api import expect

from campaigns.models import Campaign, Contact, ListMembership, Message, Segment, ShortLink, Suppression
from campaigns.rendering import register_fields
from tests.browser.conftest import log_in, shot, wait_js
from tests.browser.marketer.test_campaign_page_screens import WIDTHS, assert_fits, open_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
KARACHI = {"match": "all", "groups": [{"match": "all", "rules": [{"field": "attr:city", "op": "equals", "value": "karachi"}]}]}


@pytest.fixture
def karachi(sending_world):
    """Four Karachi contacts besides the nine Lahore ones (one of them suppressed, one a VIP)."""
    people = [
        Contact.objects.create(account=sending_world.account, phone=f"+92300765431{i}", first_name=f"Sana{i}", attributes={"city": "Karachi", "tier": "gold" if i < 2 else "silver"})
        for i in range(4)
    ]  # fmt: skip
    register_fields(sending_world.account.pk, ["tier"])
    Suppression.objects.create(account=sending_world.account, phone=people[3].phone)
    ListMembership.objects.create(contact_list=sending_world.contact_list, contact=people[0])
    sending_world.karachi = people
    return sending_world


def count_text(page) -> str:
    wait_js(page, "document.querySelector('#segment-count strong') !== null")
    return page.locator("#segment-count").inner_text()


def test_build_a_segment_launch_to_it_and_see_a_click(page, live_server, karachi, simulators):
    url = live_server.url
    log_in(page, live_server, "marketer@acme.test")
    page.get_by_role("link", name="Segments").first.click()
    expect(page.locator(".empty")).to_contain_text("No segments yet")
    page.get_by_role("link", name="New segment").click()
    page.get_by_label("Name").fill("Karachi customers")
    rule = page.locator(".seg-rule").first
    rule.get_by_label("Field").select_option(label="City (custom)")
    rule.get_by_label("Condition").select_option(label="is")
    rule.get_by_label("Value").fill("karachi")
    expect(page.locator("#segment-count")).to_contain_text("4 contacts match · 3 can be sent to")
    page.get_by_role("button", name="+ Add rule").click()
    second = page.locator(".seg-rule").nth(1)
    second.get_by_label("Field").select_option(label="Received a message")
    second.get_by_label("Condition").select_option(label="not in the last N days")
    expect(page.locator("#segment-count")).to_contain_text("4 contacts match")
    shot(page, "segments-editor-desktop")
    page.get_by_role("button", name="Save segment").click()
    expect(page.get_by_role("status").first).to_contain_text("Segment “Karachi customers” saved.")
    segment = Segment.objects.get(name="Karachi customers")
    assert segment.conditions["groups"][0]["rules"][1] == {"field": "received", "op": "not_within_days", "value": 30}

    page.goto(f"{url}/campaigns/new/")
    page.get_by_label("Name").fill("Karachi launch")
    page.get_by_role("radio", name="SMS").check()
    page.get_by_role("button", name="Continue to sender").click()
    page.get_by_label("Sender").select_option(label="ACME")
    page.get_by_role("button", name="Continue to content").click()
    page.get_by_label("Message").fill("Hi {{ first_name }}, the Karachi store opens: https://shop.example.com/karachi")
    page.get_by_role("button", name="Continue to audience").click()
    page.get_by_role("group", name="…and to segments").get_by_label("Karachi customers").check()
    expect(page.locator("[data-recipients]")).to_have_text("3")
    shot(page, "segments-compose-audience-desktop")
    page.get_by_role("button", name="Continue to schedule").click()
    page.get_by_label("As soon as I launch").check()
    page.get_by_role("button", name="Continue to review").click()
    expect(page.locator("#review-audience")).to_contain_text("Segments: Karachi customers")
    page.wait_for_selector("[data-check=audience]")
    assert "3 (left out: 1 suppressed" in page.locator("[data-check=audience]").inner_text()
    shot(page, "segments-compose-review-desktop")
    page.get_by_role("button", name="Launch campaign").click()
    page.wait_for_url(f"{url}/campaigns/*/")
    campaign = Campaign.objects.get(name="Karachi launch")
    sent_to = sorted(Message.objects.filter(campaign=campaign).values_list("to", flat=True))
    assert sent_to == sorted(c.phone for c in karachi.karachi[:3])

    simulators.deliver(Client())
    expect(page.locator("[data-tile=delivered]")).to_have_text("3", timeout=30000)
    page.wait_for_timeout(1100)  # a click within a second of delivery is a preview fetcher's
    link = ShortLink.objects.filter(campaign=campaign).first()
    response = Client().get(f"/l/{link.code}", HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 14) Mobile")
    assert response.status_code == 302 and response["Location"] == "https://shop.example.com/karachi"
    page.reload()
    expect(page.locator("#click-total")).to_have_text("1")
    expect(page.locator("#click-unique")).to_have_text("1")
    shot(page, "segments-campaign-clicks-desktop")


@pytest.mark.parametrize("width", WIDTHS)
def test_segment_screens_fit(browser, live_server, karachi, width):
    conditions = copy.deepcopy(KARACHI)
    segment = Segment.objects.create(account=karachi.account, subaccount=karachi.subaccount, name="Karachi gold", conditions=conditions)
    segment.conditions["groups"].append(
        {
            "match": "any",
            "rules": [{"field": "attr:tier", "op": "in", "value": ["gold"]}, {"field": "delivered", "op": "within_days", "value": 7}],
        }
    )
    segment.conditions["match"] = "all"
    segment.save()
    context, page = open_page(browser, live_server, WIDTHS[width])
    page.goto(f"{live_server.url}/segments/{segment.pk}/")
    assert "2 contacts match · 2 can be sent to" in count_text(page)
    assert page.locator(".seg-group").count() == 2
    assert_fits(page)
    shot(page, f"segments-editor-{width}")

    page.goto(f"{live_server.url}/segments/")
    assert_fits(page)
    shot(page, f"segments-index-{width}")

    page.goto(f"{live_server.url}/contacts/?segment={segment.pk}")
    assert page.locator("tbody tr").count() == 2
    page.locator(".contact-filter summary").click()
    page.get_by_role("button", name="+ Add rule").click()
    rule = page.locator(".seg-rule").first
    rule.get_by_label("Field").select_option(label="Tier (custom)")
    rule.get_by_label("Condition").select_option(label="is")
    rule.get_by_label("Value").fill("gold")
    assert "2 contacts match" in count_text(page)
    page.get_by_role("button", name="Apply filter").click()
    expect(page.locator("#save-as-segment")).to_be_visible()
    assert page.locator("tbody tr").count() == 2
    assert_fits(page)
    shot(page, f"segments-contacts-filter-{width}")
    context.close()
