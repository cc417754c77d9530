"""The V-Appstore backend as the portal sees it: registry, connection, declared abilities,
and a send through the shared `simulators` fixture whose report comes back to the
connection's webhook URL and matches the message."""

from __future__ import annotations

from providers.base import Capability, Channel, MessageStatus, WebhookRequest
from providers.registry import backend_class, backend_for
from providers.vappstore.backend import VAppstoreBackend
from tests.conftest import make_connection
from tests.providers.vappstore.helpers import make_backend, replying, sms

CREDENTIALS = {"applicationId": "APP_000029", "password": "secret-pass"}


def test_registered_under_its_slug():
    assert backend_class("vappstore") is VAppstoreBackend


def test_credentials_use_the_documents_names():
    fields = {f.name: f for f in VAppstoreBackend.credential_fields}
    assert set(fields) == {"applicationId", "password"}
    assert fields["password"].secret and not fields["applicationId"].secret


def test_capabilities_and_channels():
    assert VAppstoreBackend.capabilities >= {
        Capability.SMS,
        Capability.SMS_FLASH,
        Capability.USSD,
        Capability.OTP,
        Capability.INBOUND,
        Capability.SUBSCRIPTION,
    }
    assert not VAppstoreBackend.supports(Capability.STATUS_QUERY)
    assert VAppstoreBackend.channels() == [Channel.SMS, Channel.USSD]
    assert VAppstoreBackend.bulk_same_content and VAppstoreBackend.bulk_size > 1
    assert "password" in VAppstoreBackend.redact_keys


def test_test_connection_is_honest():
    transport, seen = replying()
    check = make_backend(transport).test_connection()
    assert check.ok and "no harmless endpoint" in check.message
    assert seen == []


def test_test_connection_reports_missing_credentials():
    transport, _ = replying()
    check = make_backend(transport, credentials={"applicationId": "APP_1"}).test_connection()
    assert not check.ok and "password" in check.message


def test_send_and_report_through_the_simulators_fixture(world, simulators):
    conn = make_connection(world.account, "vappstore", base_url="http://sim.test/vappstore", credentials=CREDENTIALS)
    backend = backend_for(conn)
    [result] = backend.send_batch([sms(501, "+6792870941", "Hello")])
    assert result.status == MessageStatus.SUBMITTED
    assert simulators["vappstore"].stats()["submissions"] == 1

    [out] = simulators["vappstore"].drain()
    assert out.url == conn.webhook_url("report")
    [update] = backend.parse_webhook(WebhookRequest("POST", "report", out.content_type, out.body)).statuses
    assert update.provider_message_id == result.provider_message_id
    assert update.status == MessageStatus.DELIVERED

    backend.http.flush()
    call = conn.calls.get()
    assert call.ok and "secret-pass" not in call.request_body
