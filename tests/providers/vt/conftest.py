"""VT fixtures: a backend over any httpx transport, and the VT simulator in-process."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from django.conf import settings

from providers.base import ConnectionConfig, WebhookRequest
from providers.http import ProviderHTTP
from providers.simulator.testing import SimulatorTransport
from providers.vt.backend import VTBackend
from providers.vt.simulator import Simulator

SEED_DOC = Path(settings.BASE_DIR) / ".." / "shared" / "seeds" / "000_7aff13e9455a1bf9.txt"
BASE_URL = "http://sim.test/vt"
WEBHOOK_URL = "http://portal.test/webhooks/vt/token/"


def make_backend(
    transport: httpx.BaseTransport, *, apikey: str = "test-key", base_url: str = BASE_URL, settings: dict | None = None
) -> VTBackend:
    config = ConnectionConfig(id=1, provider="vt", base_url=base_url, credentials={"apikey": apikey}, settings=settings or {})
    http = ProviderHTTP(httpx.Client(transport=transport), connection_id=None, account_id=None, redact=VTBackend.redact_keys)
    return VTBackend(config, http)


def webhook_request(body: bytes | str, content_type: str = "application/json", method: str = "POST", query=None) -> WebhookRequest:
    raw = body.encode() if isinstance(body, str) else body
    return WebhookRequest(method=method, kind="", content_type=content_type, body=raw, query=query or {})


@pytest.fixture
def vt_sim() -> Simulator:
    """The simulator; every account's webhooks go to WEBHOOK_URL (read them with drain())."""
    return Simulator(lambda slug, value, kind: WEBHOOK_URL, seed=1, delay=0)


@pytest.fixture
def sim_backend(vt_sim) -> Callable[..., VTBackend]:
    """A factory of backends talking to ``vt_sim``: sim_backend(apikey="bad-key")."""
    transport = SimulatorTransport({"vt": vt_sim})
    return lambda **kw: make_backend(transport, **kw)


@pytest.fixture
def seed_doc() -> str:
    """VT's document as stored beside the repo, or "" where it is absent (the tests then
    use their own copy of the document's lists)."""
    return SEED_DOC.read_text(encoding="utf-8") if SEED_DOC.exists() else ""
