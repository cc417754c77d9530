"""Real browser: an admin reviews and approves a marketer's sender ID request."""

from __future__ import annotations

import pytest

from campaigns.models import SenderID
from tests.browser.conftest import log_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def test_admin_approves_a_requested_sender_id(world, live_server, page):
    sender = SenderID.objects.create(
        account=world.account,
        subaccount=world.subaccount,
        channel="sms",
        value="PROMO24",
        purpose="Weekend promos",
        requested_by=world.marketer,
    )
    log_in(page, live_server, "admin@acme.test")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sender IDs").click()
    page.wait_for_url("**/admin/senders/")
    assert page.get_by_text("1 request waiting for a decision").is_visible()
    row = page.get_by_role("row").filter(has_text="PROMO24")
    assert "Requested" in row.inner_text() or "requested" in row.inner_text()
    shot(page, "admin_senders_pending")

    row.get_by_role("link", name="Review PROMO24").click()
    page.wait_for_url(f"**/admin/senders/{sender.pk}/")
    assert page.get_by_text("Weekend promos").is_visible()
    page.get_by_label("Note").fill("Brand verified")
    shot(page, "admin_sender_review")
    page.get_by_role("button", name="Approve").click()

    page.wait_for_url("**/admin/senders/")
    assert page.get_by_role("status").filter(has_text="PROMO24 is now approved").is_visible()
    sender.refresh_from_db()
    assert sender.status == SenderID.Status.APPROVED and sender.decided_by == world.admin
    assert sender.decision_note == "Brand verified"
    page.get_by_label("Status").select_option("approved")
    page.get_by_role("button", name="Filter").click()
    assert page.get_by_role("row").filter(has_text="PROMO24").is_visible()
    shot(page, "admin_senders_approved")


def test_rejecting_needs_a_note_shown_next_to_the_field(world, live_server, page):
    sender = SenderID.objects.create(account=world.account, channel="sms", value="BADBRAND", requested_by=world.marketer)
    log_in(page, live_server, "admin@acme.test")
    page.goto(f"{live_server.url}/admin/senders/{sender.pk}/")
    page.get_by_role("button", name="Reject").click()
    note = page.get_by_label("Note")
    assert note.get_attribute("aria-invalid") == "true"
    assert page.get_by_text("Say why it is rejected").is_visible()
    sender.refresh_from_db()
    assert sender.status == SenderID.Status.REQUESTED
