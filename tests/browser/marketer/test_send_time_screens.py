"""Real browser, send-time rules: the admin's quiet hours and frequency cap, the composer's
schedule step with a local send time, the review saying who waits and who is over the cap,
and the campaign page's waves, at desktop and phone width (var/screenshots/send-time-*.png)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import Campaign, Contact, ListMembership, Message, StatusCount
from tests.browser.conftest import SHOTS, log_in
from tests.browser.marketer.test_marketer_composer_checks import both_widths, draft_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_YORK = ["+12124560112", "+12124560113", "+12124560114"]


@pytest.fixture
def two_zone_world(sending_world, simulators):
    """The launch sends a wave at once when 10:00 has just passed in one of the zones, so the
    connection must answer (an unreachable one would hold the inline send in its retries)."""
    world = sending_world
    for phone in NEW_YORK:
        contact = Contact.objects.create(account=world.account, phone=phone, first_name="Sam")
        ListMembership.objects.create(contact_list=world.contact_list, contact=contact)
    Contact.objects.filter(phone="+923001234510").update(attributes={"city": "London", "timezone": "Europe/London"})
    # One Karachi contact already has a message planned within the hour, so whenever 10:00
    # falls in Karachi (now, or tomorrow once today's has passed), the 24-hour cap holds it:
    # one sent hours ago would not count against tomorrow's wave.
    soon = timezone.now() + timedelta(hours=1)
    Message.objects.create(
        account=world.account,
        connection=world.connection,
        to="+923001234511",
        status="pending",
        not_before=soon,
        next_attempt_at=soon,
    )
    return world


def test_admin_sets_the_send_time_policy(page, live_server, two_zone_world):
    log_in(page, live_server, "admin@acme.test")
    page.goto(f"{live_server.url}/admin/settings/")
    page.get_by_label("Keep quiet hours").check()
    page.get_by_label("At most messages per contact").fill("1")
    both_widths(page, "send-time-admin-settings")
    page.get_by_role("button", name="Save settings").click()
    page.wait_for_selector("text=Settings saved.")
    two_zone_world.account.refresh_from_db()
    assert two_zone_world.account.quiet_hours_enabled and two_zone_world.account.cap_messages == 1


def test_local_time_campaign_review_and_waves(page, live_server, two_zone_world):
    account = two_zone_world.account
    account.quiet_hours_enabled, account.cap_messages = True, 1
    account.save()
    draft = draft_for(two_zone_world)
    log_in(page, live_server, "marketer@acme.test")
    page.goto(f"{live_server.url}/campaigns/{draft.pk}/edit/schedule/")
    page.get_by_label("Deliver at this time in each recipient's zone").fill("10:00")
    page.get_by_label("Send when the cap allows").check()
    both_widths(page, "send-time-composer-schedule")
    page.get_by_role("button", name="Continue to review").click()
    page.wait_for_selector("#send-time-card")
    card = page.locator("#send-time-card").inner_text()
    assert "at 10:00 in their own time zone" in card
    assert "1 recipient has reached the frequency cap and will be sent when the cap allows" in card
    assert "America/New_York" in card and "Asia/Karachi" in card
    page.wait_for_selector("[data-check=balance]")
    both_widths(page, "send-time-review")
    card_at_phone_width(page, "#send-time-card", "send-time-review-card-phone")

    page.get_by_role("button", name="Launch campaign").click()
    page.wait_for_url(f"{live_server.url}/campaigns/{draft.pk}/")
    page.wait_for_selector("#waves-table")
    campaign = Campaign.objects.get(pk=draft.pk)
    assert campaign.status == "running" and campaign.deferred_capped == 1
    # The first wave went out meanwhile: show it as sent.
    first = Message.objects.filter(campaign=campaign).order_by("not_before").first().not_before
    gone = Message.objects.filter(campaign=campaign, not_before=first, status="pending")
    n = gone.update(status="delivered")
    StatusCount.objects.create(account=account, campaign=campaign, status="pending", count=-n)
    StatusCount.objects.create(account=account, campaign=campaign, status="delivered", count=n)
    page.reload()
    rows = page.locator("#waves-table tbody tr")
    assert rows.count() >= 3
    assert "✓" in rows.first.inner_text()
    both_widths(page, "send-time-campaign-waves")
    card_at_phone_width(page, "#waves", "send-time-campaign-waves-card-phone")


def card_at_phone_width(page, selector: str, name: str) -> None:
    """The card alone at 390 px, to judge it at full size; nothing may scroll sideways."""
    desktop = page.viewport_size
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(200)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator(selector).screenshot(path=str(SHOTS / f"{name}.png"))
    page.set_viewport_size(desktop)
