"""VT through the registry, a real ProviderConnection and the shared `simulators` fixture."""

from __future__ import annotations

import json

from providers.base import Channel, MessageStatus, OutboundMessage, WebhookRequest
from providers.models import ProviderCall
from providers.registry import backend_for, choices
from tests.conftest import make_connection


def test_registered_under_its_slug(db):
    assert ("vt", "VT CPaaS (Veevo Tech)") in choices()


def test_send_through_a_connection_reports_to_its_webhook_and_logs_redacted(world, simulators):
    connection = make_connection(world.account, "vt", credentials={"apikey": "acme-secret-key"})
    backend = backend_for(connection)
    messages = [
        OutboundMessage(1, "+923001234562", Channel.SMS, text="Hi"),
        OutboundMessage(2, "+923001234563", Channel.WHATSAPP, text="Hi", payload={"type": "text"}),
        OutboundMessage(3, "+923001234564", Channel.VOICE, payload={"kind": "call", "recording": "10001"}),
    ]
    results = backend.send_batch(messages)  # concurrent: the simulator answers in worker threads
    assert {r.status for r in results} == {MessageStatus.SUBMITTED}
    assert simulators["vt"].stats()["submissions"] == 3

    hooks = simulators["vt"].drain()
    assert {h.url for h in hooks} == {connection.webhook_url()}
    updates = [u for h in hooks for u in backend.parse_webhook(WebhookRequest("POST", "", h.content_type, h.body)).statuses]
    assert {u.provider_message_id for u in updates} == {r.provider_message_id for r in results}
    assert {u.status for u in updates} == {MessageStatus.DELIVERED}

    assert backend.http.flush() == 3
    logged = ProviderCall.objects.filter(connection=connection)
    assert logged.count() == 3
    assert all("acme-secret-key" not in call.request_body and "***" in call.request_body for call in logged)
    assert sorted(call.url.rsplit("/vt", 1)[1] for call in logged) == ["/v3/sendcall", "/v3/sendsms", "/wa/v1/send_message"]
    assert json.loads(logged.get(url__endswith="send_message").request_body)["hash"] == "***"


def test_whatsapp_base_url_setting_is_used(world, simulators):
    connection = make_connection(
        world.account, "vt", base_url="https://api.veevotech.com", settings={"whatsapp_base_url": "http://sim.test/vt"}
    )
    result = backend_for(connection).send_one(OutboundMessage(1, "+923001234562", Channel.WHATSAPP, text="x", payload={"type": "text"}))
    assert result.status == MessageStatus.SUBMITTED
