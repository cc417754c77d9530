"""Wavy fixtures: the backend over the in-process Wavy simulator (or respx), no database."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from providers.base import Channel, ConnectionConfig, OutboundMessage
from providers.http import ProviderHTTP
from providers.simulator.testing import SimulatorTransport
from providers.wavy.backend import WavyBackend
from providers.wavy.simulator import Simulator

BASE_URL = "http://sim.test/wavy"
CREDENTIALS = {"username": "acme-user", "authenticationtoken": "tok-123"}
HOOK_BASE = "http://testserver/webhooks/wavy/secret-token/"


def hook_url(slug: str, value: str, kind: str = "") -> str | None:
    """Every known username gets the portal's URL; kinds as a trailing path segment."""
    if not value.startswith("acme"):
        return None
    return f"{HOOK_BASE}{kind}/" if kind else HOOK_BASE


def make_backend(
    transport: httpx.BaseTransport | None = None, *, credentials: dict[str, str] | None = None, settings: dict | None = None
) -> WavyBackend:
    config = ConnectionConfig(
        id=1, provider="wavy", base_url=BASE_URL, credentials=credentials or dict(CREDENTIALS), settings=settings or {}
    )
    client = httpx.Client(transport=transport, timeout=5)
    return WavyBackend(config, ProviderHTTP(client, connection_id=None, account_id=None, redact=WavyBackend.redact_keys))


def sms(id: int, to: str = "+5511900001111", text: str = "Hello", **kw) -> OutboundMessage:
    return OutboundMessage(id=id, to=to, channel=Channel.SMS, text=text, **kw)


@pytest.fixture
def sim() -> Simulator:
    return Simulator(hook_url, seed=1, delay=0)


@pytest.fixture
def backend(sim) -> WavyBackend:
    return make_backend(SimulatorTransport({"wavy": sim}))


@pytest.fixture
def backend_for(sim) -> Callable[..., WavyBackend]:
    """A backend over the simulator with other credentials or settings."""

    def build(**kw) -> WavyBackend:
        return make_backend(SimulatorTransport({"wavy": sim}), **kw)

    return build


@pytest.fixture
def respx_backend():
    """The backend over respx, for asserting exact request shapes and canned replies."""
    import respx

    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        yield make_backend(), router
