"""The campaign page in each state (scheduled, running, finished, cancelled) and the dashboard,
at desktop and phone width: times carry the zone, the countdown ticks, the timeline opens,
nothing scrolls sideways. Screenshots go to var/screenshots/campaign-*.png."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from campaigns.models import Campaign, Message, StatusCount
from tests.browser.conftest import log_in, shot, wait_js
from tests.browser.marketer.conftest import contacts_for

pytestmark = pytest.mark.browser

NETWORKS = ["Jazz", "Zong", "Telenor", "Ufone"]
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def make_campaign(world, name: str, status: str, outcomes: dict[str, int], **fields) -> Campaign:
    """A campaign whose messages already went through the given statuses (spread over 40 min)."""
    world.account.timezone = "Asia/Karachi"
    world.account.save()
    started = timezone.now() - dt.timedelta(hours=1)
    campaign = Campaign.objects.create(
        account=world.account,
        subaccount=world.subaccount,
        name=name,
        channel="sms",
        connection=world.connection,
        sender=world.connection.sender_ids.first(),
        text="Hi {{ first_name }}, 20% off all bundles this week.",
        audience={"lists": [world.contact_list.pk]},
        status=status,
        timezone="Asia/Karachi",
        launched_at=started,
        started_at=started,
        finished_at=started + dt.timedelta(minutes=40) if status in ("completed", "cancelled") else None,
        **fields,
    )
    contacts = contacts_for(world, sum(outcomes.values()))
    messages, n = [], 0
    for status_name, count in outcomes.items():
        for _ in range(count):
            contact = contacts[n]
            at = started + dt.timedelta(seconds=20 * n)
            reached = status_name not in ("pending", "queued", "failed")
            messages.append(
                Message(
                    account=world.account,
                    subaccount=world.subaccount,
                    campaign=campaign,
                    contact=contact,
                    connection=world.connection,
                    to=contact.phone,
                    status=status_name,
                    network=NETWORKS[n % 4] if reached else "",
                    provider_message_id=f"vt-{campaign.pk}-{n}" if reached else "",
                    error_code={"undelivered": "not_delivered", "expired": "expired", "rejected": "rejected"}.get(status_name, ""),
                    cost=Decimal("0.0125") if reached else 0,
                    queued_at=at if status_name != "pending" else None,
                    submitted_at=at if reached else None,
                    sent_at=at + dt.timedelta(seconds=2) if reached and status_name != "submitted" else None,
                    delivered_at=at + dt.timedelta(seconds=30) if status_name == "delivered" else None,
                    failed_at=at + dt.timedelta(seconds=40) if status_name in ("undelivered", "expired", "rejected", "failed") else None,
                )
            )
            n += 1
    Message.objects.bulk_create(messages)
    StatusCount.objects.bulk_create(
        [StatusCount(account=world.account, campaign=campaign, status=s, count=c) for s, c in outcomes.items() if c]
    )
    Campaign.objects.filter(pk=campaign.pk).update(spent=Decimal("0.0125") * sum(1 for m in messages if m.cost), recipients=n)
    return campaign


def open_page(browser, live_server, viewport: dict):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(30000)
    log_in(page, live_server, "marketer@acme.test")
    return context, page


def assert_fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport + 2, f"the page scrolls sideways ({width}px in {viewport}px)"


@pytest.mark.parametrize("width", WIDTHS)
def test_scheduled_campaign_counts_down_in_the_accounts_zone(browser, live_server, sending_world, width):
    send_at = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(hours=2, minutes=30)
    campaign = make_campaign(sending_world, "Eid offer (scheduled)", "scheduled", {}, send_at=send_at, estimated_cost=Decimal("0.11"))
    Campaign.objects.filter(pk=campaign.pk).update(launched_at=timezone.now(), started_at=None, timezone="Europe/London")
    context, page = open_page(browser, live_server, WIDTHS[width])
    page.goto(f"{live_server.url}/campaigns/{campaign.pk}/")
    countdown = page.locator("#countdown")
    wait_js(page, "document.getElementById('countdown').textContent.indexOf('starts in') === 0")
    first = countdown.text_content()
    wait_js(page, f"document.getElementById('countdown').textContent !== {first!r}", timeout=5000)
    shown = re.fullmatch(r"starts in (\d+) h (\d+) min (\d+) s", countdown.text_content())
    assert shown, countdown.text_content()
    hours, minutes, seconds = (int(part) for part in shown.groups())
    left = (send_at - timezone.now()).total_seconds()
    # The time left when read, not when the test began: a slow machine spends a minute getting here.
    assert abs(hours * 3600 + minutes * 60 + seconds - left) <= 5, (shown.group(0), left)
    send_text = page.locator("#plan-send-at").text_content()
    assert "PKT" in send_text and "GMT" in send_text and "Europe/London" in send_text
    assert page.locator("canvas").count() == 0 and page.locator("[data-tile]").count() == 0
    assert page.locator("#plan-recipients").text_content().strip() == "9"
    assert_fits(page)
    shot(page, f"campaign-scheduled-{width}")
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_running_campaign(browser, live_server, sending_world, width):
    outcomes = {"delivered": 52, "sent": 21, "queued": 9, "pending": 14, "undelivered": 3, "expired": 1}
    campaign = make_campaign(sending_world, "Winter bundles", "running", outcomes)
    context, page = open_page(browser, live_server, WIDTHS[width])
    page.goto(f"{live_server.url}/campaigns/{campaign.pk}/")
    page.wait_for_selector("#chart-time")
    wait_js(page, "window.Chart && Object.keys(Chart.instances).length >= 3")
    assert page.locator('[data-tile="awaiting"]').text_content() == "44"
    assert "Times in Asia/Karachi (PKT)" in page.locator("#messages-table").text_content()
    assert page.locator("#breakdown").text_content().count("Not delivered") == 1
    assert_fits(page)
    shot(page, f"campaign-running-{width}")
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_finished_campaign_and_a_message_timeline(browser, live_server, sending_world, width):
    outcomes = {"delivered": 180, "undelivered": 6, "expired": 4, "rejected": 3, "failed": 2}
    campaign = make_campaign(sending_world, "Spring sale", "completed", outcomes)
    context, page = open_page(browser, live_server, WIDTHS[width])
    page.goto(f"{live_server.url}/campaigns/{campaign.pk}/")
    assert page.locator("#campaign-status").text_content().strip() == "Completed"
    wait_js(page, "window.Chart && Object.keys(Chart.instances).length >= 3")
    times = page.locator("#messages-table td.nowrap").all_text_contents() if width == "desktop" else []
    assert all(t.endswith("PKT") for t in times)
    assert_fits(page)
    shot(page, f"campaign-finished-{width}")
    page.locator("[data-timeline-url]").first.click()
    page.wait_for_selector(".timeline li")
    assert "PKT" in page.locator("#timeline-body").text_content()
    page.screenshot(path=str(__import__("tests.browser.conftest", fromlist=["SHOTS"]).SHOTS / f"campaign-timeline-{width}.png"))
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_waiting_for_reports_then_cancelled(browser, live_server, sending_world, width):
    waiting = make_campaign(sending_world, "Flash deal", "completed", {"delivered": 40, "sent": 37})
    context, page = open_page(browser, live_server, WIDTHS[width])
    page.goto(f"{live_server.url}/campaigns/{waiting.pk}/")
    assert page.locator("#campaign-status").text_content().strip() == "Sending finished"
    assert "waiting for 37 delivery reports" in page.locator("#status-detail").text_content()

    outcomes = {"delivered": 16, "undelivered": 1, "rejected": 1, "pending": 120}
    cancelled = make_campaign(sending_world, "Big blast (cancelled)", "running", outcomes)
    from campaigns.services.campaigns import cancel

    cancel(cancelled)
    page.goto(f"{live_server.url}/campaigns/{cancelled.pk}/")
    wait_js(page, "window.Chart && Object.keys(Chart.instances).length >= 3")
    assert page.locator("#campaign-status").text_content().strip() == "Cancelled"
    assert_fits(page)
    shot(page, f"campaign-cancelled-{width}")
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_dashboard(browser, live_server, sending_world, width):
    make_campaign(sending_world, "Spring sale", "completed", {"delivered": 180, "undelivered": 6, "expired": 4, "rejected": 3})
    make_campaign(sending_world, "Winter bundles", "running", {"delivered": 52, "sent": 21, "pending": 14})
    context, page = open_page(browser, live_server, WIDTHS[width])
    page.goto(f"{live_server.url}/")
    assert_fits(page)
    shot(page, f"campaign-dashboard-{width}")
    context.close()


def test_a_user_chooses_their_own_zone(browser, live_server, sending_world):
    campaign = make_campaign(sending_world, "Spring sale", "completed", {"delivered": 20, "undelivered": 1})
    context, page = open_page(browser, live_server, WIDTHS["phone"])
    page.goto(f"{live_server.url}/")
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("link", name="Your settings").click()
    page.get_by_label("Time zone").select_option("America/Sao_Paulo")
    page.get_by_role("button", name="Save").click()
    assert "Your settings were saved." in page.get_by_role("status").first.inner_text()
    assert "America/Sao_Paulo (-03)" in page.locator("main").inner_text()
    shot(page, "campaign-user-settings-phone")
    page.goto(f"{live_server.url}/campaigns/{campaign.pk}/")
    assert "Times in America/Sao_Paulo (-03)" in page.locator("#messages-table").inner_text()
    assert page.evaluate("document.body.dataset.zone") == "America/Sao_Paulo"
    context.close()
