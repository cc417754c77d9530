"""Real-browser fixtures for the marketer screens: Debian's chromium through Playwright,
against pytest-django's live_server, with screenshots in var/screenshots/."""

from __future__ import annotations

from decimal import Decimal

import pytest

from campaigns.models import Contact, ContactList, ListMembership, Price, SenderID
from campaigns.rendering import register_fields
from campaigns.services.ledger import top_up
from tests.conftest import make_connection


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30000)  # the machine is shared: be patient, not flaky
    page.on("dialog", lambda dialog: dialog.accept())
    yield page
    context.close()


@pytest.fixture
def sending_world(world):
    """A funded account with a VT connection (to the simulator), an approved sender, prices
    and a list of contacts the simulator delivers to (one it reports undelivered)."""
    conn = make_connection(world.account, "vt", name="VT main", credentials={"apikey": "acme-key"}, mps=0)
    SenderID.objects.create(account=world.account, channel="sms", value="ACME", status=SenderID.Status.APPROVED, connection=conn)
    Price.objects.create(account=world.account, channel="sms", prefix="", amount=Decimal("0.01"))
    top_up(world.account, Decimal("100"))
    customers = ContactList.objects.create(account=world.account, subaccount=world.subaccount, name="Customers")
    numbers = [f"+92300123451{i}" for i in range(8)] + ["+923001234529"]
    contacts = [
        Contact.objects.create(account=world.account, phone=n, first_name=f"Ali{i}", attributes={"city": "Lahore"})
        for i, n in enumerate(numbers)
    ]
    ListMembership.objects.bulk_create([ListMembership(contact_list=customers, contact=c) for c in contacts])
    register_fields(world.account.pk, ["city"])
    world.connection, world.contact_list = conn, customers
    return world


SEED_NAMES = ["Ayesha", "Bilal", "Fatima", "Hamza", "Zainab", "Usman", "Hira", "Omar"]


def contacts_for(world, count: int) -> list[Contact]:
    """``count`` distinct contacts of the account, the list's first: a seeded campaign has one
    message per contact (the database allows no second), so a big one needs more contacts."""
    contacts = list(Contact.objects.filter(account=world.account).order_by("pk")[:count])
    extra = [
        Contact(account=world.account, phone=f"+92301{5550000 + i:07d}", first_name=SEED_NAMES[i % len(SEED_NAMES)])
        for i in range(len(contacts), count)
    ]
    return contacts + Contact.objects.bulk_create(extra)
