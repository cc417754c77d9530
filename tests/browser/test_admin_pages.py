"""Real browser: the admin pages fit a phone screen (wide tables scroll inside their box)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from campaigns.models import Price, SenderID
from campaigns.services.ledger import top_up
from tests.browser.conftest import log_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADMIN_PAGES = [
    "/admin/senders/",
    "/admin/connections/",
    "/admin/users/",
    "/admin/subaccounts/",
    "/admin/billing/",
    "/admin/api-keys/",
    "/admin/http-log/",
]


def test_admin_pages_do_not_scroll_sideways_at_phone_width(world, live_server, browser):
    SenderID.objects.create(account=world.account, channel="sms", value="PROMO24", purpose="Weekend promos", requested_by=world.marketer)
    Price.objects.create(account=world.account, channel="voice", prefix="92", unit="pulse30", amount=Decimal("0.02"))
    top_up(world.account, Decimal("50"), description="Opening credit for the phone-width check")
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15000)
    log_in(page, live_server, "admin@acme.test")
    for path in ADMIN_PAGES:
        page.goto(f"{live_server.url}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 392, f"{path} scrolls sideways at phone width ({width}px)"
    shot(page, "admin-phone-http-log")
    page.goto(f"{live_server.url}/admin/billing/")
    shot(page, "admin-phone-billing")
    context.close()


def test_marketer_reaches_the_sender_request_from_the_menu(world, live_server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    page.set_default_timeout(15000)
    log_in(page, live_server, "marketer@acme.test")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sender IDs").click()
    page.wait_for_url("**/admin/senders/")
    page.get_by_role("link", name="Request a sender ID").first.click()
    page.wait_for_url("**/admin/senders/request/")
    page.get_by_label("Sender ID").fill("ACME24")
    page.get_by_role("button", name="Send request").click()
    page.wait_for_url("**/admin/senders/")
    assert page.get_by_role("row").filter(has_text="ACME24").is_visible()
    context.close()
