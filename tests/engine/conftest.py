"""Engine fixtures: a funded account with a VT connection, an approved sender, prices,
contacts in lists, and a draft SMS campaign to them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from campaigns.models import Campaign, Contact, ContactList, ListMembership, Price, SenderID
from campaigns.services.ledger import top_up
from tests.conftest import make_connection


def add_contacts(account, numbers: list[str], list_name: str = "Customers", **fields) -> ContactList:
    contact_list, _ = ContactList.objects.get_or_create(account=account, name=list_name)
    contacts = []
    for number in numbers:
        contact, _ = Contact.objects.get_or_create(account=account, phone=number, defaults=fields)
        contacts.append(contact)
    ListMembership.objects.bulk_create([ListMembership(contact_list=contact_list, contact=c) for c in contacts], ignore_conflicts=True)
    return contact_list


def numbers(count: int, start: int = 0, prefix: str = "+92300") -> list[str]:
    """Distinct numbers whose second-last digit is 1: the simulators deliver them."""
    return [f"{prefix}{start + i:05d}1{i % 10}" for i in range(count)]


@pytest.fixture
def engine_world(world):
    account = world.account
    conn = make_connection(account, "vt", base_url="http://sim.test/vt", credentials={"apikey": "engine-key"}, mps=0)
    sender = SenderID.objects.create(account=account, channel="sms", value="ACME", status=SenderID.Status.APPROVED, connection=conn)
    Price.objects.update_or_create(
        account=account, channel="sms", prefix="", defaults={"unit": Price.Unit.SEGMENT, "amount": Decimal("0.01")}
    )
    Price.objects.create(account=account, channel="sms", prefix="92", unit=Price.Unit.SEGMENT, amount=Decimal("0.02"))
    top_up(account, Decimal("100"), description="test money")
    world.connection = conn
    world.sender = sender
    return world


def make_campaign(world, contact_list=None, **kw) -> Campaign:
    defaults = {
        "account": world.account,
        "name": "Spring sale",
        "channel": "sms",
        "connection": world.connection,
        "sender": world.sender,
        "text": "Hello {{ first_name }}, spring sale!",
        "audience": {"lists": [contact_list.pk]} if contact_list else {},
    }
    defaults.update(kw)
    return Campaign.objects.create(**defaults)


@pytest.fixture
def fake_provider(settings, world):
    """The test-only "fake" provider registered beside the real ones, its simulator behind
    the httpx seam, and a funded connection to it. Yields (connection, simulator)."""
    from providers import registry
    from providers.http import install_transport
    from providers.intake import clear_cache
    from providers.simulator.testing import SimulatorTransport
    from tests.engine.fakeprovider.simulator import Simulator

    settings.PROVIDER_BACKENDS = [*settings.PROVIDER_BACKENDS, "tests.engine.fakeprovider.backend.FakeBackend"]
    registry.backends.cache_clear()
    clear_cache()
    sim = Simulator(seed=1, delay=0)
    install_transport(SimulatorTransport({"fake": sim}))
    conn = make_connection(world.account, "fake", base_url="http://fake.test/fake", credentials={"key": "k1"}, name="fake main", mps=0)
    if not Price.objects.filter(account=world.account, channel="sms").exists():
        Price.objects.create(account=world.account, channel="sms", prefix="", unit=Price.Unit.SEGMENT, amount=Decimal("0.01"))
    top_up(world.account, Decimal("50"), description="fake provider tests")
    yield conn, sim
    install_transport(None)
    settings.PROVIDER_BACKENDS = [p for p in settings.PROVIDER_BACKENDS if "fakeprovider" not in p]
    registry.backends.cache_clear()
    clear_cache()


def post_hook(client, connection, body, kind: str = ""):
    import json

    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return client.post(connection.webhook_path(kind), data=data, content_type="application/json")
