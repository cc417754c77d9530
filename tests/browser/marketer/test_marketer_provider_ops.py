"""Real browser: a marketer looks up a list's carriers, registers a contact with a
subscription service and adds WhatsApp media; screenshots at desktop and phone width."""

from __future__ import annotations

import pytest

from campaigns.models import Contact, ContactList, ListMembership, MediaAsset, Subscription
from tests.browser.conftest import log_in, shot
from tests.conftest import make_connection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ops_world(world, simulators):
    make_connection(world.account, "wavy", name="Wavy Brazil", base_url="http://sim.test/wavy",
                    credentials={"username": "acme-wavy", "authenticationtoken": "tok"})  # fmt: skip
    make_connection(world.account, "vappstore", name="TAP Fiji", base_url="http://sim.test/vappstore",
                    credentials={"applicationId": "APP_1", "password": "pw"})  # fmt: skip
    make_connection(world.account, "vt", name="VT main", credentials={"apikey": "acme-key"})
    brazil = ContactList.objects.create(account=world.account, subaccount=world.subaccount, name="Brazil")
    numbers = ["+5511987650012", "+5511987650023", "+5511987650000"]
    people = [Contact.objects.create(account=world.account, phone=n, first_name=f"Ana{i}") for i, n in enumerate(numbers)]
    ListMembership.objects.bulk_create([ListMembership(contact_list=brazil, contact=c) for c in people])
    world.brazil = brazil
    world.fiji = Contact.objects.create(account=world.account, phone="+6792870912", first_name="Mere", last_name="Tui")
    return world


def test_lookup_subscription_and_media_screens(ops_world, live_server, page):
    log_in(page, live_server, "marketer@acme.test")

    page.goto(f"{live_server.url}/lists/{ops_world.brazil.pk}/")
    page.get_by_role("button", name="Look up carriers").click()
    page.get_by_text("Looking up the carriers").wait_for()
    assert page.get_by_role("cell", name="inactive").count() == 1
    shot(page, "marketer_list_carriers")

    page.goto(f"{live_server.url}/contacts/{ops_world.fiji.pk}/")
    page.get_by_role("button", name="Register").click()
    page.get_by_text("is registered on TAP Fiji").wait_for()
    assert Subscription.objects.get(contact=ops_world.fiji).status == "registered"
    shot(page, "marketer_contact_subscription")

    page.goto(f"{live_server.url}/wa/media/")
    page.get_by_label("Name").fill("Spring banner")
    page.get_by_label("Or a public link").fill("https://cdn.example.com/spring.jpg")
    page.get_by_role("button", name="Register with the provider").click()
    page.get_by_text("is being registered").wait_for()
    assert MediaAsset.objects.get().status == "ready"
    shot(page, "marketer_media")

    page.set_viewport_size({"width": 390, "height": 844})
    for name, url in (
        ("marketer_list_carriers_phone", f"/lists/{ops_world.brazil.pk}/"),
        ("marketer_contact_subscription_phone", f"/contacts/{ops_world.fiji.pk}/"),
        ("marketer_media_phone", "/wa/media/"),
    ):
        page.goto(live_server.url + url)
        shot(page, name)
