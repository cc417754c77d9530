"""Real browser: the Keywords admin page (an admin edits an auto-reply) and a contact's
consent history, at desktop and phone width, with screenshots."""

from __future__ import annotations

import pytest

from campaigns.models import Contact, KeywordRule
from campaigns.services import consent
from tests.browser.conftest import log_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"desktop": {"width": 1280, "height": 860}, "phone": {"width": 390, "height": 800}}


def contact_with_history(world) -> Contact:
    contact = Contact.objects.create(account=world.account, phone="+5511987650012", first_name="Ana", last_name="Souza")
    consent.record(contact, consent.IN, consent.Source.IMPORT, detail="clientes-sao-paulo.csv", proof="Import #12")
    consent.record(contact, consent.OUT, consent.Source.KEYWORD, detail="PARAR", proof="Inbound message #301 (4f2c-9a1e)")
    consent.record(contact, consent.IN, consent.Source.KEYWORD, detail="VOLTAR", proof="Inbound message #317 (77b0-1c2d)")
    return contact


@pytest.mark.parametrize("size", SIZES)
def test_keywords_page_and_consent_history(size, world, live_server, browser):
    contact = contact_with_history(world)
    context = browser.new_context(viewport=SIZES[size])
    page = context.new_page()
    page.set_default_timeout(15000)
    log_in(page, live_server, "admin@acme.test")

    page.goto(f"{live_server.url}/admin/keywords/")
    assert page.get_by_role("heading", name="Opt out").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"] + 2
    shot(page, f"keywords-{size}")

    page.get_by_role("link", name="Edit AIDE").click()
    page.get_by_label("Auto-reply").fill("Répondez ARRET pour vous désabonner. Aide : 0800 123 456.")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"{live_server.url}/admin/keywords/")
    assert "0800 123 456" in KeywordRule.objects.get(account=world.account, keyword="AIDE").reply_text

    page.goto(f"{live_server.url}/contacts/{contact.pk}/")
    history = page.locator("#consent-history")
    assert history.get_by_role("row").count() == 4
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"] + 2
    history.scroll_into_view_if_needed()
    shot(page, f"consent-history-{size}")
    context.close()
