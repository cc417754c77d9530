"""Real browser: every page, as an admin and as a marketer, runs under the strict
Content-Security-Policy without a single violation (the test fails on any), Swagger UI works,
and the security screens (lockout, two-factor, audit log) are shot at desktop and phone width."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from campaigns.models import Campaign, Contact, ContactList, ImportJob, ListMembership, Price, SenderID, Template
from campaigns.services.ledger import top_up
from tests.browser.conftest import log_in, shot
from tests.conftest import PASSWORD, make_connection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Collects violations in the page (init scripts are the browser's own, outside the policy).
WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sourceFile || '') + ':' + e.lineNumber);
});
"""
MARKETER_PAGES = [
    "/", "/campaigns/", "/campaigns/new/", "/contacts/", "/contacts/new/", "/contacts/import/", "/lists/", "/lists/new/",
    "/suppressions/", "/suppressions/new/", "/templates/", "/templates/new/", "/recordings/", "/recordings/new/", "/inbox/", "/conversations/",
    "/admin/senders/", "/admin/senders/request/", "/account/security/", "/password/",
]  # fmt: skip
ADMIN_PAGES = [
    "/admin/connections/", "/admin/connections/new/", "/admin/users/", "/admin/users/new/", "/admin/subaccounts/",
    "/admin/subaccounts/new/", "/admin/billing/", "/admin/billing/prices/new/", "/admin/api-keys/", "/admin/api-keys/events/",
    "/admin/http-log/", "/admin/audit/",
]  # fmt: skip
PUBLIC_PAGES = ["/login/", "/password/reset/", "/password/reset/sent/", "/health"]


@pytest.fixture
def full_world(world):
    conn = make_connection(world.account, "vt", name="VT main", credentials={"apikey": "acme-key"})
    sender = SenderID.objects.create(account=world.account, channel="sms", value="ACME", status="approved", connection=conn)
    Price.objects.create(account=world.account, channel="sms", amount=Decimal("0.01"))
    top_up(world.account, Decimal("100"))
    customers = ContactList.objects.create(account=world.account, name="Customers")
    contact = Contact.objects.create(account=world.account, phone="+923001234515", first_name="Ali")
    ListMembership.objects.create(contact_list=customers, contact=contact)
    template = Template.objects.create(account=world.account, name="Hello", kind="sms", body="Hi {{ first_name }}")
    campaign = Campaign.objects.create(
        account=world.account, name="Spring sale", channel="sms", connection=conn, sender=sender, text="Hi",
        audience={"lists": [customers.pk]}, created_by=world.admin, status="completed", finished_at=timezone.now(),
    )  # fmt: skip
    draft = Campaign.objects.create(
        account=world.account, subaccount=world.subaccount, name="Draft", channel="sms", connection=conn, sender=sender,
        text="Hi", audience={"lists": [customers.pk]}, created_by=world.marketer,
    )  # fmt: skip
    job = ImportJob.objects.filter(account=world.account).first()
    world.detail_pages = [
        f"/campaigns/{campaign.pk}/", f"/campaigns/{draft.pk}/edit/content/", f"/campaigns/{draft.pk}/edit/review/",
        f"/contacts/{contact.pk}/", f"/contacts/{contact.pk}/edit/", f"/lists/{customers.pk}/", f"/templates/{template.pk}/edit/",
    ]  # fmt: skip
    world.admin_detail_pages = [f"/admin/connections/{conn.pk}/", f"/admin/connections/{conn.pk}/edit/", f"/admin/senders/{sender.pk}/"]
    if job:
        world.detail_pages.append(f"/contacts/import/{job.pk}/")
    return world


def _walk(page, base: str, paths: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in paths:
        response = page.goto(f"{base}{path}")
        assert response is not None and response.status < 500, f"{path}: {response and response.status}"
        page.wait_for_load_state("networkidle")
        violations = page.evaluate("window.__csp || []")
        if violations:
            found[path] = violations
    return found


def _context(browser, width: int = 1280):
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.add_init_script(WATCH)
    page = context.new_page()
    page.set_default_timeout(30000)
    console: list[str] = []
    page.on("console", lambda msg: console.append(msg.text) if "Content Security Policy" in msg.text else None)
    return context, page, console


def test_no_csp_violation_on_any_page_as_admin_or_marketer(full_world, live_server, browser):
    context, page, console = _context(browser)
    found = _walk(page, live_server.url, PUBLIC_PAGES)
    log_in(page, live_server, "marketer@acme.test")
    found |= _walk(page, live_server.url, MARKETER_PAGES + full_world.detail_pages)
    context.close()
    admin_context, admin_page, admin_console = _context(browser)
    log_in(admin_page, live_server, "admin@acme.test")
    found |= _walk(admin_page, live_server.url, MARKETER_PAGES + ADMIN_PAGES + full_world.detail_pages + full_world.admin_detail_pages)
    admin_context.close()
    assert not found, found
    assert not console and not admin_console, console + admin_console


def test_swagger_ui_works_under_the_policy(db, live_server, browser):
    context, page, console = _context(browser)
    page.goto(f"{live_server.url}/api/docs/")
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() > 20
    assert page.evaluate("window.__csp") == [] and not console
    shot(page, "api-docs")
    context.close()


def test_progress_bars_get_their_width_from_the_script(full_world, live_server, browser):
    context, page, _ = _context(browser)
    log_in(page, live_server, "admin@acme.test")
    page.goto(f"{live_server.url}/campaigns/")
    bar = page.locator("[data-progress]").first
    if bar.count():
        assert bar.evaluate("el => el.style.width") == bar.get_attribute("data-progress") + "%"
    context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_security_screens(full_world, live_server, browser, settings, width):
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    suffix = "phone" if width == 390 else "desktop"
    context, page, console = _context(browser, width)
    settings.AXES_FAILURE_LIMIT = 3
    page.goto(f"{live_server.url}/login/")
    for _ in range(3):
        page.get_by_label("Email").fill("viewer@acme.test")
        page.get_by_label("Password").fill("wrong-password")
        page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("alert").inner_text() == "Too many failed attempts. Try again in 15 minutes."
    shot(page, f"security-lockout-{suffix}")
    from axes.utils import reset

    reset()  # the browser's IP is locked too now (3 failures from it); an operator clears it
    log_in(page, live_server, "admin@acme.test")
    page.goto(f"{live_server.url}/account/security/")
    assert page.locator(".qr svg").is_visible()
    shot(page, f"security-enrol-{suffix}")
    device = TOTPDevice.objects.get(user=full_world.admin, confirmed=False)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    page.get_by_label("Code from the app").fill(f"{totp.token():06d}")
    page.get_by_role("button", name="Turn on two-factor").click()
    assert page.locator("#recovery-codes li").count() == 10
    shot(page, f"security-recovery-codes-{suffix}")
    page.get_by_role("link", name="I have saved them").click()
    shot(page, f"security-on-{suffix}")
    page.goto(f"{live_server.url}/admin/audit/")
    assert page.get_by_text("mfa.enabled").first.is_visible()
    width_now = page.evaluate("document.documentElement.scrollWidth")
    assert width_now <= width + 2, f"audit log scrolls sideways ({width_now}px)"
    shot(page, f"admin-audit-{suffix}")
    # Log out, log in again: the code page.
    page.get_by_role("button", name="Log out").first.click() if width > 400 else page.goto(f"{live_server.url}/login/")
    context.close()
    context, page, console = _context(browser, width)
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill("admin@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/login/verify/**")
    shot(page, f"security-verify-{suffix}")
    assert page.evaluate("window.__csp") == [] and not console
    context.close()
