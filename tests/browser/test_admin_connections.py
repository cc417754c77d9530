"""Real browser: an admin adds a provider connection, tests it, and visits every admin page."""

from __future__ import annotations

import re

import pytest

from campaigns.services.ledger import top_up
from providers.models import ProviderCall, ProviderConnection
from tests.browser.conftest import log_in, shot
from tests.browser.test_admin_senders import page  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECRET = "browser-secret-key-5150"


def test_admin_adds_and_tests_a_connection(world, simulators, live_server, page):  # noqa: F811
    log_in(page, live_server, "admin@acme.test")
    page.goto(f"{live_server.url}/admin/connections/")
    page.get_by_role("link", name="Add a connection").click()
    page.get_by_role("link", name="Connect VT CPaaS (Veevo Tech)").click()
    page.get_by_label(re.compile(r"^Name")).fill("VT simulator")
    page.get_by_label(re.compile(r"^Base URL")).fill("http://sim.test/vt")
    page.get_by_label("Throughput (messages per second)").fill("25")
    page.get_by_label("API key").fill(SECRET)
    shot(page, "admin_connection_form")
    page.get_by_role("button", name="Save connection").click()

    conn = ProviderConnection.objects.get(name="VT simulator")
    page.wait_for_url(f"**/admin/connections/{conn.pk}/")
    assert SECRET not in page.content()
    assert page.get_by_role("textbox", name="All reports").input_value() == conn.webhook_url()
    page.get_by_role("button", name="Test connection").click()
    page.wait_for_url(f"**/admin/connections/{conn.pk}/")
    page.locator("#check .ok-text, #check .bad-text").first.wait_for()
    conn.refresh_from_db()
    assert conn.last_check_ok is True
    assert page.locator("#check .ok-text").inner_text() == "OK"
    assert conn.last_check_message in page.locator("#check").inner_text()
    shot(page, "admin_connection_detail")

    page.goto(f"{live_server.url}/admin/connections/{conn.pk}/edit/")
    assert page.get_by_label("API key").input_value() == ""
    assert SECRET not in page.content()

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/admin/connections/{conn.pk}/")
    shot(page, "admin_connection_detail_phone")


def test_every_admin_page_renders(world, vt_connection, live_server, page):  # noqa: F811
    top_up(world.account, 100, user=world.admin, description="Opening balance")
    ProviderCall.objects.create(
        connection=vt_connection, account=world.account, method="POST", url="http://sim.test/vt/v3/sendsms", status_code=200
    )
    log_in(page, live_server, "admin@acme.test")
    for path, heading, name in [
        ("/admin/connections/", "Provider connections", "admin_connections"),
        ("/admin/users/", "Users and roles", "admin_users"),
        ("/admin/users/new/", "Add a user", "admin_user_new"),
        ("/admin/subaccounts/", "Subaccounts", "admin_subaccounts"),
        ("/admin/billing/", "Billing", "admin_billing"),
        ("/admin/http-log/", "Provider HTTP log", "admin_http_log"),
    ]:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert page.get_by_role("heading", level=1).inner_text() == heading
        shot(page, name)
