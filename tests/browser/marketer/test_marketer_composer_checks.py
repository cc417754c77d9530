"""Real browser, the composer stopping a marketer before a mistake: a typo'd placeholder is
named on the content step and blocks launch; a test send shows the personalised text and its
status up to delivered; the review shows the subaccount's credit left and disables Launch
when the campaign would pass it. Screenshots of every step at desktop and phone width."""

from decimal import Decimal

import pytest
from django.test import Client

from campaigns.models import Campaign, LedgerEntry, Message
from tests.browser.conftest import log_in, shot, wait_js

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def draft_for(world, text: str = "Hi {{ first_name }}, 20% off this weekend!") -> Campaign:
    return Campaign.objects.create(
        account=world.account,
        subaccount=world.subaccount,
        name="Weekend offer",
        connection=world.connection,
        sender=world.connection.sender_ids.first(),
        text=text,
        audience={"lists": [world.contact_list.pk]},
    )


def both_widths(page, name: str) -> None:
    shot(page, name)
    desktop = page.viewport_size
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(200)
    shot(page, f"{name}-phone")
    page.set_viewport_size(desktop)


def test_typo_placeholder_is_named_and_blocks_launch(page, live_server, sending_world):
    draft = draft_for(sending_world)
    log_in(page, live_server, "marketer@acme.test")
    page.goto(f"{live_server.url}/campaigns/{draft.pk}/edit/content/")
    text = page.get_by_label("Message")
    text.fill("Hi {{ firstname }}, 20% off in {{ city }}! {% if vip %}VIP{% endif %}")
    page.wait_for_selector("#placeholder-problems:not([hidden])")
    problems = page.locator("#placeholder-problems").inner_text()
    assert "Unknown placeholder {{ firstname }}" in problems and "Did you mean {{ first_name }}?" in problems
    assert "{% if vip %} is not supported" in problems
    assert 'first_name|default:"friend"' in page.locator("#fallback-hint").inner_text()
    both_widths(page, "composer-content-typo")
    page.get_by_role("button", name="Continue to audience").click()
    assert "Unknown placeholder {{ firstname }}" in page.locator(".field-error").first.inner_text()
    assert Campaign.objects.get(pk=draft.pk).text == "Hi {{ first_name }}, 20% off this weekend!"

    text = page.get_by_label("Message")
    text.fill('Hi {{ first_name|default:"friend" }}, 20% off in {{ city }}!')
    wait_js(page, "document.getElementById('placeholder-problems').hidden")
    page.wait_for_selector("#preview-empty-box:not([hidden])")
    assert page.locator("#preview-text").inner_text().startswith("Hi Ali0, 20% off in Lahore")
    assert page.locator("#preview-empty").inner_text() == "Hi friend, 20% off in !"
    both_widths(page, "composer-content-fallback")

    # A draft saved with the typo (say, before a field was removed) cannot be launched.
    Campaign.objects.filter(pk=draft.pk).update(text="Hi {{ firstname }}!")
    page.goto(f"{live_server.url}/campaigns/{draft.pk}/edit/review/")
    page.wait_for_selector("#launch-blocked:not([hidden])")
    assert page.get_by_role("button", name="Launch campaign").is_disabled()
    assert "Unknown placeholder {{ firstname }}" in page.locator("#launch-blocked").inner_text()
    assert "Unknown placeholder {{ firstname }}" in page.locator("[data-check=content]").inner_text()
    both_widths(page, "composer-review-typo-blocked")
    page.locator("[data-check=content]").get_by_role("link", name="Change content").click()
    page.wait_for_url(f"**/campaigns/{draft.pk}/edit/content/")


def test_test_send_shows_personalised_text_and_delivered(page, live_server, sending_world, simulators):
    draft = draft_for(sending_world, "Hi {{ first_name }} in {{ city }}, 20% off this weekend!")
    log_in(page, live_server, "marketer@acme.test")
    page.goto(f"{live_server.url}/campaigns/{draft.pk}/edit/review/")
    page.wait_for_selector("[data-check=balance]")
    assert page.get_by_role("button", name="Launch campaign").is_enabled()
    page.get_by_label("Send a test to").fill("+923001234561")
    page.get_by_label("Personalised as").fill("+923001234512")
    page.get_by_role("button", name="Send test").click()
    assert "Test queued to +923001234561" in page.get_by_role("status").first.inner_text()
    page.wait_for_selector(".test-send .test-text")
    assert page.locator(".test-send .test-text").first.inner_text() == "Hi Ali2 in Lahore, 20% off this weekend!"
    message = Message.objects.get(to="+923001234561")
    assert message.test_of_id == draft.pk and message.text == "Hi Ali2 in Lahore, 20% off this weekend!"

    simulators.deliver(Client())  # the provider's delivery report reaches our webhook
    page.wait_for_selector(".test-send[data-status=delivered]", timeout=15000)
    timeline = page.locator(".test-send .timeline").first.inner_text()
    assert "Submitted to the provider" in timeline and "Delivered" in timeline
    both_widths(page, "composer-review-test-delivered")


def test_review_shows_credit_left_and_disables_launch(page, live_server, sending_world):
    sub = sending_world.subaccount
    sub.credit_limit = Decimal("1.00")
    sub.save()
    LedgerEntry.objects.create(account=sending_world.account, subaccount=sub, kind="charge", amount=Decimal("-0.95"), balance_after=0)
    draft = draft_for(sending_world)
    log_in(page, live_server, "marketer@acme.test")
    page.goto(f"{live_server.url}/campaigns/{draft.pk}/edit/review/")
    page.wait_for_selector("[data-check=credit]")
    credit = page.locator("[data-check=credit]").inner_text()
    assert "Credit left in Marketing" in credit and "0.05 USD of 1.00 USD" in credit
    assert "0.09 USD for 9 messages" in page.locator("[data-check=estimate]").inner_text()
    assert page.get_by_role("button", name="Launch campaign").is_disabled()
    sentence = "The subaccount Marketing would pass its credit limit of 1.00 USD: this campaign costs about 0.09 USD, 0.05 USD is left."
    assert sentence in page.locator("#launch-blocked").inner_text()
    both_widths(page, "composer-review-credit-limit")

    # Launch refused the same way when forced (e.g. a stale page): the same words and figures.
    page.evaluate("document.getElementById('launch-button').disabled = false")
    page.get_by_role("button", name="Launch campaign").click()
    page.wait_for_selector("#launch-errors")
    assert sentence in page.locator("#launch-errors").inner_text()
    assert Campaign.objects.get(pk=draft.pk).status == "draft"


def test_every_step_at_desktop_and_phone(page, live_server, sending_world):
    log_in(page, live_server, "marketer@acme.test")
    page.get_by_role("link", name="New campaign").click()
    page.get_by_label("Name").fill("Weekend offer")
    both_widths(page, "composer-1-channel")
    page.get_by_role("button", name="Continue to sender").click()
    page.get_by_label("Sender").select_option(label="ACME")
    both_widths(page, "composer-2-sender")
    page.get_by_role("button", name="Continue to content").click()
    page.get_by_label("Message").fill("Hi {{ first_name }}, 20% off this weekend in {{ city }}!")
    wait_js(page, "document.getElementById('preview-text').textContent.includes('Lahore')")
    # The counter counts the text as the sample contact gets it (what is billed), not as typed.
    wait_js(page, "document.getElementById('sms-counter').getAttribute('data-source') === 'server'")
    assert "For +923001234510" in page.locator("#sms-counter").inner_text()
    assert page.locator("[data-units]").inner_text() == str(len("Hi Ali0, 20% off this weekend in Lahore!"))
    both_widths(page, "composer-3-content")
    page.get_by_role("button", name="Continue to audience").click()
    page.get_by_role("group", name="Send to").get_by_label("Customers").check()
    page.wait_for_selector("[data-recipients]")
    both_widths(page, "composer-4-audience")
    page.get_by_role("button", name="Continue to schedule").click()
    both_widths(page, "composer-5-schedule")
    page.get_by_role("button", name="Continue to review").click()
    page.wait_for_selector("[data-check=balance]")
    both_widths(page, "composer-6-review")
