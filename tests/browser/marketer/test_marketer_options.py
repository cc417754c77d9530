"""Real browser: the composer offers only what the chosen connection can do and says so."""

import pytest

from tests.browser.conftest import log_in, shot
from tests.conftest import make_connection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_options_follow_the_connection(page, live_server, sending_world):
    make_connection(sending_world.account, "vappstore", name="V-App", credentials={"applicationId": "a", "password": "p"})
    log_in(page, live_server, "marketer@acme.test")
    page.goto(f"{live_server.url}/campaigns/new/")
    connection = page.locator("#id_connection")

    page.get_by_role("radio", name="USSD").check()
    assert connection.input_value() == str(page.locator("option", has_text="V-App").get_attribute("value"))
    assert "no USSD" in page.locator("option", has_text="VT main").inner_text()

    page.get_by_role("radio", name="SMS").check()
    connection.select_option(label="V-App (vappstore)")
    assert page.get_by_label("Flash SMS (shown on screen, not stored)").is_enabled()
    connection.select_option(label="VT main (vt)")
    assert page.get_by_label("Flash SMS (shown on screen, not stored)").is_disabled()
    assert page.locator("#flash-note").inner_text() == "This connection does not offer flash SMS."

    page.get_by_role("radio", name="WhatsApp").check()
    assert page.get_by_role("radio", name="Template message").is_enabled()
    assert "no WhatsApp" in page.locator("option", has_text="V-App").inner_text()
    shot(page, "marketer-compose-options")
    table = page.locator("table").inner_text()
    assert "V-App" in table and "Not offered" in table
