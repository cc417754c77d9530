"""Real browser: compose an SMS campaign step by step (live counter, UCS-2 warning,
audience count), send a test to my number, launch it and watch it complete against the
VT simulator; pause and resume a scheduled one; a viewer cannot launch."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from campaigns.models import Campaign, Message
from tests.browser.conftest import log_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_compose_test_send_launch_and_complete(page, live_server, sending_world, simulators):
    url = live_server.url
    log_in(page, live_server, "marketer@acme.test")
    page.get_by_role("link", name="New campaign").click()
    page.get_by_label("Name").fill("Weekend offer")
    page.get_by_role("radio", name="SMS").check()
    expect(page.get_by_label("Flash SMS (shown on screen, not stored)")).to_be_disabled()
    expect(page.locator("#flash-note")).to_contain_text("not available on your account")
    page.get_by_role("button", name="Continue to sender").click()

    page.get_by_label("Sender").select_option(label="ACME")
    page.get_by_role("button", name="Continue to content").click()

    text = page.get_by_label("Message")
    text.fill("Hi ")
    page.get_by_role("button", name="first_name").click()
    text.press("End")
    text.type(", 20% off this weekend in {{ city }}! Reply STOP to opt out.")
    expect(page.locator("#preview-text")).to_contain_text("Lahore")
    assert "GSM-7" in page.locator("#sms-counter").inner_text()
    assert page.locator("#ucs2-warning").is_hidden()
    assert "Lahore" in page.locator("#preview-text").inner_text()
    text.type(" Grüße ą" + "x" * 40)
    page.wait_for_selector("#ucs2-warning:not([hidden])")
    warning = page.locator("#ucs2-warning").inner_text()
    assert "ą" in warning and "extra segment" in warning
    assert "UCS-2" in page.locator("#sms-counter").inner_text()
    expect(page.locator("#sms-counter")).to_have_attribute("data-source", "server")
    shot(page, "marketer-compose-content")
    text.fill("Hi {{ first_name }}, 20% off this weekend in {{ city }}!")
    page.get_by_role("button", name="Continue to audience").click()

    page.get_by_role("group", name="Send to").get_by_label("Customers").check()
    page.wait_for_selector("[data-recipients]")
    assert page.locator("[data-recipients]").inner_text() == "9"
    shot(page, "marketer-compose-audience")
    page.get_by_role("button", name="Continue to schedule").click()
    page.get_by_label("As soon as I launch").check()
    assert page.locator("#send-at-box").is_hidden()
    page.get_by_role("button", name="Continue to review").click()

    page.wait_for_selector("[data-check=estimate]")
    assert "0.09 USD" in page.locator("[data-check=estimate]").inner_text()
    page.get_by_label("Send a test to").fill("+923001234561")
    page.get_by_role("button", name="Send test").click()
    assert "Test queued to +923001234561" in page.get_by_role("status").first.inner_text()
    page.wait_for_selector("[data-check=estimate]")
    assert "0.09 USD" in page.locator("[data-check=estimate]").inner_text()
    shot(page, "marketer-compose-review")
    page.get_by_role("button", name="Launch campaign").click()
    page.wait_for_url(f"{url}/campaigns/*/")
    campaign = Campaign.objects.get(name="Weekend offer")
    assert Message.objects.filter(campaign=campaign).count() == 9

    simulators.deliver(Client())  # the provider's delivery reports reach our webhook
    expect(page.locator("[data-tile=delivered]")).to_have_text("8", timeout=30000)
    assert page.locator("[data-tile=not_delivered]").inner_text() == "1"
    expect(page.locator("#progress-text")).to_contain_text("100%")
    page.wait_for_timeout(500)
    shot(page, "marketer-campaign-page")
    assert page.locator("#chart-funnel").is_visible()
    page.goto(f"{url}/campaigns/")
    assert "88.9%" in page.locator("table").inner_text()


def test_pause_and_resume(page, live_server, sending_world):
    campaign = Campaign.objects.create(
        account=sending_world.account,
        subaccount=sending_world.subaccount,
        name="Later",
        connection=sending_world.connection,
        sender=sending_world.connection.sender_ids.first(),
        text="Hello",
        audience={"lists": [sending_world.contact_list.pk]},
        send_at=timezone.now() + timedelta(days=1),
    )
    from campaigns.services.campaigns import launch

    launch(campaign, sending_world.marketer)
    campaign.refresh_from_db()
    assert campaign.status == "scheduled"
    log_in(page, live_server, "marketer@acme.test")
    page.goto(f"{live_server.url}/campaigns/{campaign.pk}/")
    page.get_by_role("button", name="Pause").click()
    assert "Campaign paused." in page.get_by_role("status").first.inner_text()
    assert "Paused" in page.locator("#campaign-status").inner_text()
    assert page.get_by_role("button", name="Pause").is_hidden()
    shot(page, "marketer-campaign-paused")
    page.get_by_role("button", name="Resume").click()
    assert "Campaign resumed." in page.get_by_role("status").first.inner_text()
    campaign.refresh_from_db()
    assert campaign.status == "scheduled"
    assert page.get_by_role("button", name="Pause").is_visible()


def test_viewer_cannot_launch(page, live_server, sending_world):
    draft = Campaign.objects.create(
        account=sending_world.account, subaccount=sending_world.subaccount, name="Draft", connection=sending_world.connection, text="Hi"
    )
    log_in(page, live_server, "viewer@acme.test")
    page.goto(f"{live_server.url}/campaigns/")
    assert page.get_by_role("link", name="New campaign").count() == 0
    page.goto(f"{live_server.url}/campaigns/{draft.pk}/")
    assert page.get_by_role("button", name="Launch campaign").count() == 0
    assert page.get_by_role("link", name="Continue composing").count() == 0
    response = page.goto(f"{live_server.url}/campaigns/{draft.pk}/edit/review/")
    assert response.status == 403
    status = page.evaluate(
        """async (url) => (await fetch(url, {method: 'POST', headers: {'X-CSRFToken': document.cookie.replace(/.*csrftoken=([^;]+).*/, '$1')}})).status""",
        f"{live_server.url}/campaigns/{draft.pk}/launch/",
    )
    assert status == 403
    draft.refresh_from_db()
    assert draft.status == "draft"
