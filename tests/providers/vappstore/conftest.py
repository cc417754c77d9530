"""Fixtures for the V-Appstore tests: the simulator in-process behind the httpx seam,
a backend over it, and the provider document's own text."""

from __future__ import annotations

import pytest

from providers.simulator.testing import SimulatorTransport
from providers.vappstore.backend import VAppstoreBackend
from providers.vappstore.simulator import Simulator
from tests.providers.vappstore.helpers import SEED, make_backend, webhook_url


@pytest.fixture
def sim() -> Simulator:
    return Simulator(webhook_url, seed=1, delay=0)


@pytest.fixture
def backend(sim) -> VAppstoreBackend:
    return make_backend(SimulatorTransport({"vappstore": sim}))


@pytest.fixture
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")
