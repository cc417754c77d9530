"""Real browser: a marketer composes and launches a campaign without ever seeing a
connection or a provider; an admin switches the country route to the other connection
and the next campaign's messages go through it. Screenshots at desktop and phone width."""

from __future__ import annotations

from decimal import Decimal

import pytest

from campaigns.models import Campaign, Contact, ContactList, ListMembership, Message, Price, RateCardEntry, Route, RouteConnection, SenderID
from campaigns.services.campaigns import launch
from campaigns.services.ledger import top_up
from tests.browser.conftest import log_in, shot, wait_js
from tests.conftest import make_connection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
NAMES = ("vt main", "vt backup", "connection", "provider", "vt cpaas")


@pytest.fixture
def routed(world):
    """Two connections to the VT simulator; Pakistan goes through "VT main" by a country route."""
    main = make_connection(world.account, "vt", name="VT main", credentials={"apikey": "acme-key"}, mps=0)
    backup = make_connection(world.account, "vt", name="VT backup", credentials={"apikey": "acme-key"}, mps=0)
    route = Route.objects.create(account=world.account, name="Pakistan", channel="sms", match_kind="country", match_value="PK")
    RouteConnection.objects.create(route=route, connection=main, position=0)
    RateCardEntry.objects.create(connection=main, channel="sms", prefix="92", price=Decimal("0.004"))
    RateCardEntry.objects.create(connection=backup, channel="sms", prefix="92", price=Decimal("0.003"))
    SenderID.objects.create(account=world.account, channel="sms", value="ACME", status=SenderID.Status.APPROVED)
    Price.objects.create(account=world.account, channel="sms", prefix="", amount=Decimal("0.01"))
    top_up(world.account, Decimal("100"))
    customers = ContactList.objects.create(account=world.account, subaccount=world.subaccount, name="Customers")
    contacts = [Contact.objects.create(account=world.account, phone=f"+92300123451{i}", first_name=f"Ali{i}") for i in range(6)]
    ListMembership.objects.bulk_create([ListMembership(contact_list=customers, contact=c) for c in contacts])
    world.main, world.backup, world.route, world.customers = main, backup, route, customers
    return world


def visible_text(page) -> str:
    return page.locator("main").inner_text().lower()


def assert_no_connection(page, step: str, names: tuple[str, ...] = NAMES) -> None:
    text = visible_text(page)
    assert not [n for n in names if n in text], f"{step}: {[n for n in names if n in text]}"


def test_marketer_composes_and_launches_without_seeing_a_connection(browser, live_server, routed, simulators):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(30000)
    log_in(page, live_server, "marketer@acme.test")
    page.get_by_role("link", name="New campaign").click()
    assert_no_connection(page, "channel")
    shot(page, "routing-compose-channel")
    page.get_by_label("Name").fill("Routed offer")
    page.get_by_role("radio", name="SMS").check()
    page.get_by_role("button", name="Continue to sender").click()
    assert_no_connection(page, "sender")
    page.get_by_label("Sender").select_option(label="ACME")
    page.get_by_role("button", name="Continue to content").click()
    page.get_by_label("Message").fill("Hi {{ first_name }}, 20% off this weekend!")
    assert_no_connection(page, "content")
    page.get_by_role("button", name="Continue to audience").click()
    page.get_by_role("group", name="Send to").get_by_label("Customers").check()
    assert_no_connection(page, "audience")
    page.get_by_role("button", name="Continue to schedule").click()
    page.get_by_label("As soon as I launch").check()
    assert_no_connection(page, "schedule")
    page.get_by_role("button", name="Continue to review").click()
    page.wait_for_selector("[data-check=estimate]")
    assert_no_connection(page, "review")
    where = page.locator("#routing").inner_text()
    assert "Pakistan" in where and "6" in where and "0.06 USD" in where
    shot(page, "routing-compose-review")
    page.set_viewport_size(PHONE)
    wait_js(page, "document.documentElement.scrollWidth <= 392")
    shot(page, "routing-compose-review-phone")
    page.set_viewport_size(DESKTOP)
    page.get_by_role("button", name="Launch campaign").click()
    page.wait_for_url(f"{live_server.url}/campaigns/*/")
    campaign = Campaign.objects.get(name="Routed offer")
    assert campaign.connection_id is None
    assert set(Message.objects.filter(campaign=campaign).values_list("connection__name", flat=True)) == {"VT main"}
    page.reload()
    assert_no_connection(page, "campaign page", NAMES[:3])  # its rate help speaks of "the provider's" answers
    assert "Pakistan" in page.locator("#routing").inner_text()
    shot(page, "routing-campaign-marketer")
    context.close()


def new_campaign(world, name: str) -> Campaign:
    return Campaign.objects.create(
        account=world.account,
        subaccount=world.subaccount,
        name=name,
        sender=SenderID.objects.get(value="ACME"),
        text="Hello {{ first_name }}",
        audience={"lists": [world.customers.pk]},
    )


def test_admin_switches_the_country_route_and_the_next_campaign_follows(browser, live_server, routed, simulators):
    before = new_campaign(routed, "Before the switch")
    launch(before, routed.marketer)
    assert set(Message.objects.filter(campaign=before).values_list("connection__name", flat=True)) == {"VT main"}

    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(30000)
    log_in(page, live_server, "admin@acme.test")
    page.get_by_role("list", name="Admin").get_by_role("link", name="Routes").click()
    page.wait_for_url("**/admin/routes/")
    shot(page, "routing-admin-routes")
    page.get_by_role("link", name="Edit Pakistan").click()
    page.get_by_label("Connection 1").select_option(label="VT backup (vt)")
    shot(page, "routing-admin-route-form")
    page.get_by_role("button", name="Save route").click()
    page.wait_for_url("**/admin/routes/")
    assert "Route Pakistan saved" in page.get_by_role("status").first.inner_text()
    assert "VT backup" in page.get_by_role("row").filter(has_text="Pakistan").inner_text()

    after = new_campaign(routed, "After the switch")
    launch(after, routed.marketer)
    assert set(Message.objects.filter(campaign=after).values_list("connection__name", flat=True)) == {"VT backup"}
    page.goto(f"{live_server.url}/campaigns/{after.pk}/")
    row = page.locator("#routing [data-route-row]")
    assert row.count() == 1 and "VT backup" in row.inner_text() and "6" in row.inner_text()
    shot(page, "routing-campaign-admin")

    page.set_viewport_size(PHONE)
    for path, name in (
        ("/admin/routes/", "routing-admin-routes-phone"),
        (f"/admin/routes/{routed.route.pk}/", "routing-admin-route-form-phone"),
        (f"/admin/connections/{routed.main.pk}/", "routing-admin-connection-phone"),
        (f"/admin/connections/{routed.main.pk}/rates/", "routing-admin-rates-phone"),
        (f"/campaigns/{after.pk}/", "routing-campaign-admin-phone"),
    ):
        page.goto(f"{live_server.url}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 392, f"{path} scrolls sideways at phone width ({width}px)"
        shot(page, name)
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/admin/connections/{routed.main.pk}/")
    shot(page, "routing-admin-connection")
    page.goto(f"{live_server.url}/admin/connections/{routed.main.pk}/rates/")
    shot(page, "routing-admin-rates")
    context.close()
