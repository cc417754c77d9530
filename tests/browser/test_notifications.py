"""Real browser: the bell's unread count, the notifications page and the preferences, at
desktop and phone width."""

from __future__ import annotations

import pytest

from campaigns.models import ImportJob, SenderID
from campaigns.services import notifications
from campaigns.services.approvals import apply_decision
from tests.browser.conftest import log_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def three_notifications(world) -> None:
    sender = SenderID.objects.create(account=world.account, channel="sms", value="PROMO24", requested_by=world.marketer)
    apply_decision(sender, "approve", "", world.admin)
    job = ImportJob.objects.create(
        account=world.account,
        created_by=world.marketer,
        original_name="spring-leads.csv",
        status="done",
        total_rows=1240,
        rejected_count=12,
    )
    notifications.import_finished(job)
    notifications.notify(
        world.account.pk,
        "campaign_finished",
        "browser:finished",
        "Campaign “Weekend flash sale” finished",
        "It went to 12,480 recipient(s).",
        "/campaigns/",
        notifications.Audience(subaccount_id=world.subaccount.pk, marketers=True, viewers=True),
    )


@pytest.mark.parametrize("width,name", [(1280, "desktop"), (390, "phone")])
def test_bell_page_and_preferences(world, live_server, browser, width, name):
    three_notifications(world)
    context = browser.new_context(viewport={"width": width, "height": 860})
    page = context.new_page()
    page.set_default_timeout(15000)
    log_in(page, live_server, "marketer@acme.test")

    bell = page.get_by_role("link", name="Notifications, 3 unread")
    assert bell.is_visible()  # on a phone too: beside "Menu", not inside it
    assert bell.locator(".bell-count").inner_text() == "3"
    shot(page, f"notifications_bell_{name}")

    bell.click()
    page.wait_for_url("**/notifications/")
    assert page.get_by_text("3 unread.").is_visible()
    assert page.get_by_role("link", name="Sender ID PROMO24 approved").is_visible()
    shot(page, f"notifications_page_{name}")

    page.locator(".notif").filter(has_text="spring-leads.csv").get_by_role("button", name="Mark read").click()
    page.wait_for_url("**/notifications/")
    assert page.get_by_role("link", name="Notifications, 2 unread").is_visible()
    page.get_by_role("button", name="Mark all read").click()
    page.wait_for_url("**/notifications/")
    assert page.get_by_text("All read.").is_visible()
    assert page.get_by_role("link", name="Notifications", exact=True).is_visible()
    shot(page, f"notifications_all_read_{name}")

    page.get_by_role("link", name="Unread").click()
    assert page.get_by_text("Nothing unread.").is_visible()

    page.goto(f"{live_server.url}/settings/#notifications")
    page.get_by_label("Campaign finished by e-mail").uncheck()
    shot(page, f"notifications_preferences_{name}")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Your settings were saved.").wait_for()
    assert not page.get_by_label("Campaign finished by e-mail").is_checked()
    assert page.get_by_label("Campaign finished in the portal").is_checked()
    context.close()
