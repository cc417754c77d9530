"""Fixtures of the marketer screens' tests: contacts, a list, a draft campaign, and the
same kinds of objects in another account (which must answer 404)."""

from __future__ import annotations

import pytest

from campaigns.models import Campaign, Contact, ContactList, ListMembership
from campaigns.rendering import register_fields
from tests.conftest import make_connection


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Cached page data is keyed by primary keys, which a rolled-back test hands out again."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def contacts(world) -> list[Contact]:
    register_fields(world.account.pk, ["city"])
    return [
        Contact.objects.create(account=world.account, phone=f"+9230012345{i:02d}", first_name=f"Name{i}", attributes={"city": "Lahore"})
        for i in range(5)
    ]


@pytest.fixture
def contact_list(world, contacts) -> ContactList:
    cl = ContactList.objects.create(account=world.account, subaccount=world.subaccount, name="Customers")
    ListMembership.objects.bulk_create([ListMembership(contact_list=cl, contact=c) for c in contacts])
    return cl


@pytest.fixture
def draft(world, vt_connection, approved_sender, contact_list) -> Campaign:
    return Campaign.objects.create(
        account=world.account,
        subaccount=world.subaccount,
        name="Spring sale",
        channel="sms",
        connection=vt_connection,
        sender=approved_sender,
        text="Hi {{ first_name }}, 20% off today",
        audience={"lists": [contact_list.pk]},
    )


@pytest.fixture
def foreign(world):
    """Objects of the other account."""
    conn = make_connection(world.other_account, "vt", name="theirs")
    contact = Contact.objects.create(account=world.other_account, phone="+923009999999")
    cl = ContactList.objects.create(account=world.other_account, name="Theirs")
    campaign = Campaign.objects.create(account=world.other_account, name="Theirs", connection=conn)
    return {"contact": contact, "list": cl, "campaign": campaign, "connection": conn}
