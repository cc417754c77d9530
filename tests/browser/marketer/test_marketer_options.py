"""Real browser: the composer offers what the account's connections can carry, without
naming a connection, and says so when a channel cannot be sent."""

import pytest

from tests.browser.conftest import log_in, shot
from tests.conftest import make_connection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_options_follow_what_the_account_can_send(page, live_server, sending_world):
    log_in(page, live_server, "marketer@acme.test")
    page.goto(f"{live_server.url}/campaigns/new/")
    assert page.locator("#id_connection").count() == 0

    page.get_by_role("radio", name="SMS").check()
    assert page.get_by_label("Flash SMS (shown on screen, not stored)").is_disabled()
    assert page.locator("#flash-note").inner_text() == "Flash SMS is not available on your account."
    page.get_by_role("radio", name="USSD").check()
    assert page.locator("#channel-unavailable").is_visible()
    assert "USSD cannot be sent from your account yet" in page.locator("#channel-unavailable").inner_text()
    shot(page, "marketer-compose-options-ussd-unavailable")

    make_connection(sending_world.account, "vappstore", name="V-App", credentials={"applicationId": "a", "password": "p"})
    page.reload()
    page.get_by_role("radio", name="USSD").check()
    assert page.locator("#channel-unavailable").is_hidden()
    page.get_by_role("radio", name="SMS").check()
    assert page.get_by_label("Flash SMS (shown on screen, not stored)").is_enabled()
    page.get_by_role("radio", name="WhatsApp").check()
    assert page.get_by_role("radio", name="Template message").is_enabled()
    body = page.locator("main").inner_text().lower()
    assert "v-app" not in body and "vt main" not in body and "connection" not in body
    shot(page, "marketer-compose-options")
