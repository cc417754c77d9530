"""Unified through the registry and the shared `simulators` fixture, as the portal uses it."""

from __future__ import annotations

from providers.base import Capability, Channel, MessageStatus, OutboundMessage
from providers.registry import backend_class, backend_for
from tests.conftest import make_connection


def test_registered_with_its_capabilities_and_settings():
    cls = backend_class("unified")
    assert [c.name for c in cls.credential_fields] == ["username", "password"]
    [setting] = cls.setting_fields
    assert (setting.name, setting.kind, setting.default) == ("provider_schedules", "bool", False)
    assert cls.channels() == [Channel.SMS]
    assert cls.supports(Capability.SCHEDULE) and not cls.supports(Capability.STATUS_QUERY) and not cls.supports(Capability.BALANCE)


def test_send_through_a_connection_queues_reports_to_its_webhook(world, simulators):
    connection = make_connection(
        world.account, "unified", base_url="http://127.0.0.1:8025/unified", credentials={"username": "acme-http", "password": "pw"}
    )
    messages = [OutboundMessage(id=i, to=f"+23480123456{i:02d}", channel=Channel.SMS, sender="ACME", text="Hi") for i in (11, 19)]
    results = backend_for(connection).send_batch(messages)
    assert {r.status for r in results} == {MessageStatus.SUBMITTED}
    hooks = simulators["unified"].drain()
    assert len(hooks) == 2 and {h.url for h in hooks} == {connection.webhook_url()}
    assert simulators["unified"].stats()["submissions"] == 2
