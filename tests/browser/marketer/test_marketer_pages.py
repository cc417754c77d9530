"""Real browser: a marketer logs in and walks every main page, at desktop and phone width."""

import pytest

from tests.browser.conftest import log_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    ("dashboard", "/"),
    ("contacts", "/contacts/"),
    ("lists", "/lists/"),
    ("suppressions", "/suppressions/"),
    ("campaigns", "/campaigns/"),
    ("templates", "/templates/"),
    ("recordings", "/recordings/"),
    ("inbox", "/inbox/"),
    ("conversations", "/conversations/"),
    ("import", "/contacts/import/"),
    ("compose", "/campaigns/new/"),
]


def test_log_in_and_visit_every_page(page, live_server, sending_world):
    page.goto(f"{live_server.url}/login/")
    shot(page, "marketer-login")
    log_in(page, live_server, "marketer@acme.test")
    for name, path in PAGES:
        page.goto(f"{live_server.url}{path}")
        assert page.locator("h1").first.is_visible()
        assert page.locator("nav[aria-label=Main] [aria-current=page]").count() <= 1
        shot(page, f"marketer-{name}")
    assert page.get_by_role("link", name="Connections").count() == 0  # admin links are for admins


def test_phone_width_menu(browser, live_server, sending_world):
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    log_in(page, live_server, "marketer@acme.test")
    page.goto(f"{live_server.url}/contacts/")
    assert not page.get_by_role("link", name="Campaigns").is_visible()
    page.get_by_role("button", name="Menu").click()
    assert page.get_by_role("link", name="Campaigns").is_visible()
    shot(page, "marketer-phone-menu")
    page.get_by_role("link", name="Campaigns").click()
    page.wait_for_url(f"{live_server.url}/campaigns/")
    shot(page, "marketer-phone-campaigns")
    for _, path in PAGES:
        page.goto(f"{live_server.url}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 392, f"{path} scrolls sideways at phone width ({width}px)"
    shot(page, "marketer-phone-compose")
    context.close()


def test_bad_login_shows_an_error(page, live_server, sending_world):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill("marketer@acme.test")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("alert").is_visible()


def test_keyboard_only(page, live_server, sending_world):
    from tests.conftest import PASSWORD

    page.goto(f"{live_server.url}/login/")
    page.keyboard.type("marketer@acme.test")  # the email box has the focus
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.goto(f"{live_server.url}/campaigns/new/")
    page.focus("#id_name")
    page.keyboard.type("Keyboard campaign")
    page.keyboard.press("Tab")  # into the channel radio group
    page.keyboard.press("ArrowRight")  # SMS -> Voice
    assert page.evaluate("document.activeElement.value") == "voice"
    assert page.locator("fieldset[data-for-channel=voice]").is_visible()
