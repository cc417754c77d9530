"""Wavy as the portal sees it: registered by slug, built for a connection, webhooks to its URL."""

from __future__ import annotations

import pytest

from providers.base import Capability, Channel, MessageStatus
from providers.registry import backend_class, backend_for, backends
from tests.conftest import make_connection

from .conftest import sms


@pytest.fixture
def wavy_registry(settings):
    """Only Wavy registered, so these tests do not depend on the other provider packages."""
    settings.PROVIDER_BACKENDS = ["providers.wavy.backend.WavyBackend"]
    backends.cache_clear()
    yield
    backends.cache_clear()


def test_registered_with_the_documents_credential_names(wavy_registry):
    cls = backend_class("wavy")

    assert [(f.name, f.secret) for f in cls.credential_fields] == [("username", False), ("authenticationtoken", True)]
    assert [f.name for f in cls.setting_fields] == [
        "subAccount",
        "poll_replies",
        "poll_statuses",
        "carrier_lookup_on_import",
        "carrier_lookup_before_send",
        "provider_schedules",
    ]
    assert cls.channels() == [Channel.SMS]
    assert {Capability.SMS_FLASH, Capability.STATUS_QUERY, Capability.CARRIER_LOOKUP, Capability.INBOUND} <= cls.capabilities
    assert "SMPP" in cls.notes and "SFTP" in cls.notes


def test_a_connection_sends_through_the_simulator_and_gets_webhooks_at_its_url(world, wavy_registry, simulators):
    connection = make_connection(
        world.account, "wavy", base_url="http://sim.test/wavy", credentials={"username": "acme-wavy", "authenticationtoken": "tok"}
    )
    backend = backend_for(connection)

    [result] = backend.send_batch([sms(1)])

    hooks = simulators["wavy"].drain()
    assert result.status == MessageStatus.SUBMITTED
    assert [h.url for h in hooks] == [connection.webhook_url("callback"), connection.webhook_url("dlr")]
    assert simulators["wavy"].stats()["submissions"] == 1
    backend.http.flush()
    assert connection.calls.get().request_headers["authenticationtoken"] == "***"
