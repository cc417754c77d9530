"""VavaSMS through the registry and the shared `simulators` fixture, as the portal uses it."""

from __future__ import annotations

from providers.base import Capability, Channel, MessageStatus, OutboundMessage
from providers.registry import backend_class, backend_for
from tests.conftest import make_connection


def test_registered_with_its_capabilities():
    cls = backend_class("vavasms")
    assert [c.name for c in cls.credential_fields] == ["username", "password"]
    assert cls.channels() == [Channel.SMS]
    for capability in (
        Capability.SMS,
        Capability.SMS_UNICODE,
        Capability.BALANCE,
        Capability.STATUS_QUERY,
        Capability.INBOUND,
        Capability.OTP,
    ):
        assert cls.supports(capability)
    assert not cls.supports(Capability.SMS_FLASH) and cls.bulk_same_content


def test_send_and_query_through_a_connection(world, simulators):
    connection = make_connection(
        world.account, "vavasms", base_url="http://127.0.0.1:8025/vavasms", credentials={"username": "ops@acme.test", "password": "pw"}
    )
    backend = backend_for(connection)
    messages = [OutboundMessage(id=i, to=f"+2250900000{i}", channel=Channel.SMS, sender="ACME", text="Hi") for i in (1, 9)]
    results = backend.send_batch(messages)
    assert {r.status for r in results} == {MessageStatus.SUBMITTED}
    assert simulators["vavasms"].stats()["submissions"] == 2
    updates = {u.message_id: u.status for u in backend.query_status([(r.message_id, r.provider_message_id) for r in results])}
    assert updates == {1: MessageStatus.DELIVERED, 9: MessageStatus.UNDELIVERED}
    assert backend.test_connection().ok


def test_mo_notification_goes_to_the_connection_webhook(world, simulators):
    connection = make_connection(
        world.account, "vavasms", base_url="http://127.0.0.1:8025/vavasms", credentials={"username": "ops@acme.test", "password": "pw"}
    )
    backend_for(connection).http.post(
        "http://127.0.0.1:8025/vavasms/_mo", data={"username": "ops@acme.test", "from": "22509000001", "content": "STOP"}
    )
    [hook] = simulators["vavasms"].drain()
    assert hook.url == connection.webhook_url()
