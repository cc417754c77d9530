"""Unified fixtures: its simulator in-process behind the httpx seam, and a backend on it."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from providers.base import Channel, ConnectionConfig, OutboundMessage
from providers.http import ProviderHTTP
from providers.simulator.testing import SimulatorTransport
from providers.unified.backend import UnifiedBackend
from providers.unified.simulator import Simulator

BASE_URL = "http://sim.test/unified"
CREDENTIALS = {"username": "acme", "password": "s3cret"}


def backend_on(
    transport: httpx.BaseTransport, credentials: dict | None = None, settings: dict | None = None, base_url: str = BASE_URL
) -> UnifiedBackend:
    config = ConnectionConfig(
        id=1, provider="unified", base_url=base_url, credentials=credentials or dict(CREDENTIALS), settings=settings or {}
    )
    return UnifiedBackend(config, ProviderHTTP(httpx.Client(transport=transport), connection_id=None, account_id=None))


def sms(id: int, to: str, text: str = "Hello", sender: str = "ACME", **kw) -> OutboundMessage:
    return OutboundMessage(id=id, to=to, channel=Channel.SMS, sender=sender, text=text, **kw)


def by_id(results) -> dict:
    return {r.message_id: r for r in results}


@pytest.fixture
def sim() -> Simulator:
    return Simulator(seed=1, delay=0)


@pytest.fixture
def make_backend(sim) -> Callable[..., UnifiedBackend]:
    def make(credentials: dict | None = None, settings: dict | None = None) -> UnifiedBackend:
        return backend_on(SimulatorTransport({"unified": sim}), credentials, settings)

    return make


@pytest.fixture
def backend(make_backend) -> UnifiedBackend:
    return make_backend()


class Recorder:
    """An httpx transport answering canned bodies in turn and keeping the requests."""

    def __init__(self, *replies: str | tuple[int, str]) -> None:
        self.replies = list(replies)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        status, body = reply if isinstance(reply, tuple) else (200, reply)
        return httpx.Response(status, text=body)

    def params(self, index: int = -1) -> dict[str, str]:
        return dict(self.requests[index].url.params)


@pytest.fixture
def canned() -> Callable[..., tuple[UnifiedBackend, Recorder]]:
    def make(*replies: str | tuple[int, str], settings: dict | None = None) -> tuple[UnifiedBackend, Recorder]:
        recorder = Recorder(*replies)
        return backend_on(httpx.MockTransport(recorder), settings=settings), recorder

    return make
