"""Base fixtures: every test gets an account with an admin, a marketer and a viewer,
plus an outsider from another account, so every view gets its access test."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.db.models.signals import post_save
from django.test import Client

from campaigns.models import Account, Membership, Role, SenderID, Subaccount
from providers.models import ProviderConnection

PASSWORD = "correct-horse-battery"


@dataclass
class World:
    account: Account
    subaccount: Subaccount
    admin: object
    marketer: object
    viewer: object
    other_account: Account
    outsider: object


def make_user(email: str, account: Account, role: str, subaccount: Subaccount | None = None):
    user = get_user_model().objects.create_user(username=email, email=email, password=PASSWORD)
    Membership.objects.create(user=user, account=account, role=role, subaccount=subaccount)
    return user


@pytest.fixture
def world(db) -> World:
    account = Account.objects.create(name="Acme", slug="acme")
    sub = Subaccount.objects.create(account=account, name="Marketing")
    other = Account.objects.create(name="Globex", slug="globex")
    return World(
        account=account,
        subaccount=sub,
        admin=make_user("admin@acme.test", account, Role.ADMIN),
        marketer=make_user("marketer@acme.test", account, Role.MARKETER, sub),
        viewer=make_user("viewer@acme.test", account, Role.VIEWER, sub),
        other_account=other,
        outsider=make_user("admin@globex.test", other, Role.ADMIN),
    )


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def login_with_second_factor(user) -> Client:
    """A session that passed two-factor (platform staff and accounts that require it need one)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    device = device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    client = login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def admin_client(world) -> Client:
    return login(world.admin)


@pytest.fixture
def marketer_client(world) -> Client:
    return login(world.marketer)


@pytest.fixture
def viewer_client(world) -> Client:
    return login(world.viewer)


@pytest.fixture
def outsider_client(world) -> Client:
    return login(world.outsider)


def make_connection(
    account: Account, provider: str = "vt", *, base_url: str = "http://sim.test/vt", credentials: dict | None = None, **kw
) -> ProviderConnection:
    conn = ProviderConnection(account=account, name=kw.pop("name", f"{provider} main"), provider=provider, base_url=base_url, **kw)
    conn.set_credentials(credentials or {"apikey": "test-key"})
    conn.save()
    return conn


@pytest.fixture
def vt_connection(world) -> ProviderConnection:
    return make_connection(world.account, "vt")


@pytest.fixture
def approved_sender(world, vt_connection) -> SenderID:
    return SenderID.objects.create(
        account=world.account, channel="sms", value="ACME", status=SenderID.Status.APPROVED, connection=vt_connection
    )


@pytest.fixture
def simulators(db):
    """Every provider's simulator in-process: provider HTTP goes to them through the httpx
    seam, and ``simulators.deliver(client)`` posts their queued webhooks to the portal."""
    from providers.http import install_transport
    from providers.simulator.registry import simulator_classes
    from providers.simulator.testing import SimulatorTransport, deliver_webhooks

    # Connections by (provider, account credential), recorded as they are saved: a simulator
    # answering in a backend's worker thread (send_batch's pool) must not query the test
    # database, which SQLite locks to other threads during the test's transaction.
    known: dict[tuple[str, str], ProviderConnection] = {}

    def remember(sender=None, instance=None, **kwargs) -> None:
        sim_cls = classes.get(instance.provider)
        if sim_cls is not None:
            known[(instance.provider, instance.get_credentials().get(sim_cls.account_credential, ""))] = instance

    def resolve(slug: str, value: str, kind: str = "") -> str | None:
        if (slug, value) in known:
            return known[(slug, value)].webhook_url(kind)
        if threading.current_thread() is not threading.main_thread():
            return None
        for conn in ProviderConnection.objects.filter(provider=slug):
            sim_cls = classes[slug]
            if conn.get_credentials().get(sim_cls.account_credential) == value:
                return conn.webhook_url(kind)
        return None

    classes = simulator_classes()
    for conn in ProviderConnection.objects.all():
        remember(instance=conn)
    post_save.connect(remember, sender=ProviderConnection, weak=False, dispatch_uid="simulators-remember")
    sims = {slug: cls(resolve, seed=1, delay=0) for slug, cls in classes.items()}
    install_transport(SimulatorTransport(sims))

    class Sims(dict):
        def deliver(self, client=None) -> list[int]:
            return deliver_webhooks(client or Client(), self)

    yield Sims(sims)
    post_save.disconnect(sender=ProviderConnection, dispatch_uid="simulators-remember")
    install_transport(None)
