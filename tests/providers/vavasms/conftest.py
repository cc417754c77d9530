"""VavaSMS fixtures: its simulator in-process behind the httpx seam, and a backend on it."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from providers.base import ConnectionConfig
from providers.http import ProviderHTTP
from providers.simulator.testing import SimulatorTransport
from providers.vavasms.backend import VavaSMSBackend
from providers.vavasms.simulator import Simulator

BASE_URL = "http://sim.test/vavasms"
CREDENTIALS = {"username": "client@acme.test", "password": "s3cret"}


def backend_on(transport: httpx.BaseTransport, credentials: dict | None = None, settings: dict | None = None) -> VavaSMSBackend:
    config = ConnectionConfig(
        id=1,
        provider="vavasms",
        base_url=BASE_URL,
        credentials=credentials or dict(CREDENTIALS),
        settings={"sender_id": "ACME"} if settings is None else settings,
    )
    http = ProviderHTTP(httpx.Client(transport=transport), connection_id=None, account_id=None)
    return VavaSMSBackend(config, http)


@pytest.fixture
def sim() -> Simulator:
    return Simulator(seed=1, delay=0)


@pytest.fixture
def make_backend(sim) -> Callable[..., VavaSMSBackend]:
    """make_backend(credentials=None, settings=None): a backend talking to ``sim``."""

    def make(credentials: dict | None = None, settings: dict | None = None) -> VavaSMSBackend:
        return backend_on(SimulatorTransport({"vavasms": sim}), credentials, settings)

    return make


@pytest.fixture
def backend(make_backend) -> VavaSMSBackend:
    return make_backend()


class Recorder:
    """An httpx transport that answers canned bodies and keeps the requests."""

    def __init__(self, *replies: str | tuple[int, str]) -> None:
        self.replies = list(replies)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        status, body = reply if isinstance(reply, tuple) else (200, reply)
        return httpx.Response(status, text=body, headers={"content-type": "application/json"})

    def form(self, index: int = -1) -> dict[str, str]:
        from urllib.parse import parse_qsl

        return dict(parse_qsl(self.requests[index].content.decode()))


@pytest.fixture
def canned() -> Callable[..., tuple[VavaSMSBackend, Recorder]]:
    """canned(*replies) -> (backend, recorder): the backend gets those bodies back in turn."""

    def make(*replies: str | tuple[int, str], settings: dict | None = None) -> tuple[VavaSMSBackend, Recorder]:
        recorder = Recorder(*replies)
        return backend_on(httpx.MockTransport(recorder), settings=settings), recorder

    return make
