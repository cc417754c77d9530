"""Real browser: the billing page (grouped ledger, drill-down, low-balance banner), the
platform staff's account page with its top-up, and an import's result, at desktop and
phone width; each saves screenshots under var/screenshots/."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from campaigns.models import Account, Campaign, Contact, LedgerEntry, Message, Price, SenderID
from campaigns.services.ledger import Charge, charge, top_up
from tests.browser.conftest import PASSWORD, log_in, shot
from tests.conftest import make_connection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def fill_ledger(world) -> None:
    Account.objects.filter(pk=world.account.pk).update(timezone="Asia/Karachi", country="PK", low_balance_threshold=Decimal("600"))
    world.account.refresh_from_db()
    conn = make_connection(world.account, "vt")
    SenderID.objects.create(account=world.account, channel="sms", value="ACME", status=SenderID.Status.APPROVED, connection=conn)
    Price.objects.create(account=world.account, channel="sms", amount=Decimal("0.02"))
    Price.objects.create(account=world.account, channel="sms", prefix="92300", amount=Decimal("0.0085"))
    top_up(world.account, Decimal("500"), user=world.admin, description="Opening credit")
    spring = Campaign.objects.create(account=world.account, subaccount=world.subaccount, name="Spring sale", connection=conn, text="x")
    blast = Campaign.objects.create(
        account=world.account, subaccount=world.subaccount, name="Big blast (throttled)", connection=conn, text="x"
    )
    for campaign, batches, per in ((blast, 25, 2), (spring, 3, 100)):
        for _ in range(batches):
            charge(world.account.pk, [Charge(None, campaign.pk, world.subaccount.pk, Decimal("0.02"), Decimal("0"))] * per)
    yesterday = timezone.now() - timedelta(days=1)
    LedgerEntry.objects.filter(campaign=spring).order_by("id").filter(
        pk__in=list(spring.ledger.order_by("id").values_list("pk", flat=True)[:1])
    ).update(created_at=yesterday)
    charge(world.account.pk, [Charge(None, None, world.subaccount.pk, Decimal("0.02"), Decimal("0"))])
    for i in range(3):
        message = Message.objects.create(
            account=world.account, campaign=blast, connection=conn, to=f"+92300123450{i}", status="delivered", cost=Decimal("0.02")
        )
        Message.objects.filter(pk=message.pk).update(submitted_at=timezone.now())


def new_page(browser, size: str):
    context = browser.new_context(viewport=SIZES[size])
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


def assert_fits(page, what: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport + 2, f"{what} scrolls sideways ({width}px in {viewport}px)"
    boxes = page.evaluate(
        "[...document.querySelectorAll('table.ledger, table.prices')].map(t => [t.parentElement.scrollWidth, t.parentElement.clientWidth])"
    )
    for scroll, client in boxes:  # the ledger tables' own boxes do not scroll sideways either
        assert scroll <= client + 1, f"{what}: a ledger table scrolls sideways in its box ({scroll}px in {client}px)"


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_billing_page_and_drill_down(world, live_server, browser, size):
    fill_ledger(world)
    context, page = new_page(browser, size)
    log_in(page, live_server, "admin@acme.test")
    page.goto(f"{live_server.url}/admin/billing/")
    assert page.get_by_role("status").filter(has_text="Low balance").is_visible()
    ledger = page.get_by_role("table").filter(has_text="Single sends (API)")
    assert ledger.get_by_role("row").filter(has_text="Big blast").count() == 1  # 25 batches, one line
    assert_fits(page, "billing")
    shot(page, f"billing-{size}")
    ledger.get_by_role("row").filter(has_text="Big blast").get_by_role("link", name="Batches and messages").click()
    page.wait_for_url("**/admin/billing/line/**")
    assert page.get_by_role("heading", name="Big blast (throttled)").is_visible()
    assert_fits(page, "ledger line")
    shot(page, f"billing-line-{size}")
    context.close()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_platform_staff_tops_up_an_account(world, live_server, browser, size):
    fill_ledger(world)
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    staff = get_user_model().objects.create_user(username="ops@platform.test", email="ops@platform.test", password=PASSWORD, is_staff=True)
    device = TOTPDevice.objects.create(user=staff, name="Authenticator app", confirmed=True)  # staff always use two-factor
    context, page = new_page(browser, size)
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill("ops@platform.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    page.get_by_label("Code").fill(f"{totp.token():06d}")
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url("**/platform/")
    assert_fits(page, "platform accounts")
    shot(page, f"platform-accounts-{size}")
    page.get_by_role("link", name="Acme").click()
    page.get_by_label("Amount to add").fill("0")
    page.get_by_role("button", name="Add to balance").click()
    page.wait_for_url("**/top-up/")
    assert page.get_by_text("enter an amount above zero").is_visible()
    shot(page, f"platform-topup-error-{size}")
    page.get_by_label("Amount to add").fill("250")
    page.get_by_label("Reason").fill("Bank transfer REF-2026-11")
    page.get_by_role("button", name="Add to balance").click()
    page.wait_for_url(f"**/platform/accounts/{world.account.pk}/")
    assert page.get_by_text("Added 250.00 USD to Acme").is_visible()
    assert_fits(page, "platform account")
    shot(page, f"platform-account-{size}")
    context.close()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_import_result_accounts_for_every_row(world, live_server, browser, tmp_path, settings, size):
    settings.MEDIA_ROOT = tmp_path
    Account.objects.filter(pk=world.account.pk).update(timezone="Asia/Karachi", country="PK")
    Contact.objects.create(account=world.account, phone="+923001230002", first_name="Old")
    rows = "phone,first_name\n03001230001,Amina\n+923001230002,Bilal\n+923001230001,Amina K\n0300 1230003,Sara\nhello,Bad\n"
    upload = tmp_path / "customers.csv"
    upload.write_text(rows)
    context, page = new_page(browser, size)
    log_in(page, live_server, "marketer@acme.test")
    page.goto(f"{live_server.url}/contacts/import/")
    page.locator("input[type=file]").set_input_files(str(upload))
    page.get_by_role("button", name="Upload and preview").click()
    page.wait_for_url("**/map/")
    assert page.get_by_label("Numbers without a country code are from").input_value() == "PK"
    page.get_by_role("button", name="Start import").click()
    page.wait_for_url("**/contacts/import/*/")
    page.get_by_text("5 of 5 rows").wait_for()
    assert page.locator("#n-created").inner_text() == "2"
    assert page.locator("#n-updated").inner_text() == "1"
    assert page.locator("#n-duplicates").inner_text() == "1"
    assert page.locator("#n-rejected").inner_text() == "1"
    assert_fits(page, "import result")
    shot(page, f"import-result-{size}")
    context.close()
