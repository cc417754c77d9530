"""Real browser: cancel a campaign in the middle of sending. The unsent end `cancelled`
(0 failed among them), the delivery rate counts only what the provider answered, on the
campaign page and on the dashboard; screenshots at desktop and phone width."""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import expect

from campaigns.models import Campaign, Message, SenderID
from campaigns.services import pipeline
from campaigns.services.campaigns import launch
from tests.browser.conftest import log_in, shot, wait_js

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def launch_and_stop_after_first_chunk(world, monkeypatch) -> Campaign:
    """Launch a 2-per-second campaign whose sending stops after its first chunk (as if the
    worker were still busy): the campaign runs with 7 of 9 messages not sent yet."""
    campaign = Campaign.objects.create(
        account=world.account,
        subaccount=world.subaccount,
        name="Big blast (throttled)",
        channel="sms",
        connection=world.connection,
        sender=SenderID.objects.get(account=world.account, value="ACME"),
        text="Hi {{ first_name }}, 20% off today",
        audience={"lists": [world.contact_list.pk]},
        mps=2,
    )
    may_send, calls = pipeline._may_send, []

    def only_first_chunk(c):
        calls.append(1)
        return len(calls) < 2 and may_send(c)

    monkeypatch.setattr(pipeline, "_may_send", only_first_chunk)
    launch(campaign, world.marketer)
    monkeypatch.setattr(pipeline, "_may_send", may_send)
    campaign.refresh_from_db()
    return campaign


def test_cancel_mid_send_leaves_no_failed_and_true_rates(page, live_server, sending_world, simulators, monkeypatch):
    campaign = launch_and_stop_after_first_chunk(sending_world, monkeypatch)
    assert campaign.status == "running"
    sent = Message.objects.filter(campaign=campaign).exclude(provider_message_id="")
    assert sent.count() == 2
    simulators.deliver(Client())  # the two sent are delivered

    log_in(page, live_server, "marketer@acme.test")
    page.goto(f"{live_server.url}/campaigns/{campaign.pk}/")
    page.get_by_role("button", name="Cancel").click()  # the confirm dialog is accepted
    page.wait_for_selector(".flash[role=status]")
    assert Campaign.objects.get(pk=campaign.pk).status == "cancelled"

    unsent = Message.objects.filter(campaign=campaign, provider_message_id="")
    assert unsent.count() == 7 and not unsent.filter(status="failed").exists()
    assert page.locator("[data-tile=cancelled]").inner_text() == "7"
    assert page.locator("[data-tile=not_delivered]").inner_text() == "0"
    assert page.locator("#breakdown li[data-status=failed]").count() == 0
    assert "9 of 9 messages have a final outcome (100%)" in page.locator("#progress-text").inner_text()
    assert page.locator("#delivery-rate").inner_text() == "100.0% delivery rate"
    assert page.locator("#resend-link").is_hidden()  # nothing failed: nothing to resend
    assert "Delivered ÷ messages with a final answer" in page.locator("#rate-help abbr").get_attribute("title")
    page.locator("#mstatus").select_option("cancelled")
    page.get_by_role("button", name="Filter").click()
    assert page.locator("#messages-table tbody tr").count() == 7
    assert "Not sent: the campaign was cancelled." in page.locator("#messages-table").inner_text()
    shot(page, "accounting-cancelled-campaign")
    page.set_viewport_size(PHONE)
    shot(page, "accounting-cancelled-campaign-phone")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/")
    rate = page.locator("#stat-delivery-rate")
    assert "100.0%" in rate.inner_text() and "2 of 2 with a final answer" in rate.inner_text()
    assert page.locator("#stat-not-sent .value").inner_text() == "7"
    assert page.locator("#stat-failed .value").inner_text() == "0"
    assert "100.0%" in page.locator("table").inner_text()  # the recent campaigns' rate: the same function
    wait_js(page, "window.Chart && Chart.getChart(document.getElementById('chart-days'))")
    shot(page, "accounting-dashboard")
    page.get_by_role("link", name="30 days").click()
    page.wait_for_url(f"{live_server.url}/?period=30")
    assert page.locator("#period-title").inner_text().startswith("Last 30 days")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/")
    wait_js(page, "window.Chart && Chart.getChart(document.getElementById('chart-days'))")
    shot(page, "accounting-dashboard-phone")


def test_resend_offers_the_exact_count_before_making_anything(page, live_server, sending_world, simulators):
    campaign = Campaign.objects.create(
        account=sending_world.account,
        subaccount=sending_world.subaccount,
        name="Weekend offer",
        channel="sms",
        connection=sending_world.connection,
        sender=SenderID.objects.get(account=sending_world.account, value="ACME"),
        text="Hi {{ first_name }}, 20% off today",
        audience={"lists": [sending_world.contact_list.pk]},
    )
    launch(campaign, sending_world.marketer)
    simulators.deliver(Client())  # 8 delivered, +923001234529 undelivered

    log_in(page, live_server, "marketer@acme.test")
    page.goto(f"{live_server.url}/campaigns/{campaign.pk}/")
    link = page.locator("#resend-link")
    assert link.inner_text() == "Resend to failed (1)"
    link.click()
    page.wait_for_url(f"{live_server.url}/campaigns/{campaign.pk}/resend/")
    assert "1 recipient will get the message again." in page.locator("#resend-count").inner_text()
    assert Campaign.objects.count() == 1  # nothing made yet
    shot(page, "accounting-resend-confirm")
    page.set_viewport_size(PHONE)
    shot(page, "accounting-resend-confirm-phone")
    page.get_by_role("button", name="Make a draft for 1 recipient").click()
    page.wait_for_url(f"{live_server.url}/campaigns/*/edit/review/")
    copy = Campaign.objects.get(name="Resend failed: Weekend offer")
    assert copy.audience == {"resend_of": campaign.pk, "statuses": ["undelivered", "expired", "rejected", "failed"]}
    expect(page.locator("#launch-checks")).to_contain_text("1 (left out")
