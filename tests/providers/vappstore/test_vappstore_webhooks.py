"""Webhooks V-Appstore posts to us, parsed from the document's own sample bodies."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from providers.base import ErrorCode, MalformedWebhook, MessageStatus
from tests.providers.vappstore.helpers import hook

SMS_RECEIVE = {
    "version": "1.0",
    "applicationId": "APP_000029",
    "sourceAddress": "tel:6792870940",
    "message": "string",
    "Correlation-id": "APP_000001",
    "encoding": "0",
}
SMS_REPORT = {
    "destinationAddress": "tel:6792870940",
    "timeStamp": "20120113082110",
    "requestId": "MSG_000111",
    "deliveryStatus": "DELIVERED",
}
USSD_RECEIVE = {
    "version": "1.0",
    "applicationId": "APP_000029",
    "message": "*141#",
    "requestId": "1330933229901",
    "sessionId": "1330929317043",
    "ussdOperation": "mt-cont",
    "sourceAddress": "tel:6792870940",
    "vlrAddress": "tel:6792870940",
    "encoding": "440",
}
CHARGING = {
    "timeStamp": "15-Nov-2023 11:55",
    "TotalAmount": "5.00",
    "externalTrxId": "256091234",
    "balanceDue": "0",
    "statusDetail": "Request was Successfully processed, Due amount fully paid.",
    "currency": "FJD",
    "version": "1.0",
    "internalTrxId": "9111511550014764",
    "paidAmount": "5.00",
    "referenceId": "6792870940169943053700500040",
    "statusCode": "S1000",
}
SUBSCRIPTION_NOTIFY = {
    "timeStamp": "20120113082110",
    "version": "1.0",
    "applicationId": "APP_999999",
    "subscriberId": "tel:6792870940",
    "frequency": "monthly",
    "status": "REGISTERED.",
}
FIJI = ZoneInfo("Pacific/Fiji")


def test_sms_receive_is_an_inbound_sms(backend):
    result = backend.parse_webhook(hook(SMS_RECEIVE))
    [item] = result.inbound
    assert (item.kind, item.from_number, item.text, item.provider_message_id) == ("sms", "+6792870940", "string", "APP_000001")
    assert item.raw == SMS_RECEIVE
    assert result.statuses == [] and result.events == []


def test_sms_report_is_a_status_update(backend):
    [update] = backend.parse_webhook(hook(SMS_REPORT)).statuses
    assert update.status == MessageStatus.DELIVERED
    assert update.provider_message_id == "MSG_000111:6792870940"
    assert update.raw_status == "DELIVERED"
    assert update.to == "+6792870940"
    assert update.occurred_at == datetime(2012, 1, 13, 8, 21, 10, tzinfo=FIJI)


def test_report_time_in_the_described_yymmddhhmm_format(backend):
    [update] = backend.parse_webhook(hook({**SMS_REPORT, "timeStamp": "1201130821"})).statuses
    assert update.occurred_at == datetime(2012, 1, 13, 8, 21, tzinfo=FIJI)


def test_report_with_a_configured_timezone(sim):
    from providers.simulator.testing import SimulatorTransport
    from tests.providers.vappstore.helpers import make_backend

    backend = make_backend(SimulatorTransport({"vappstore": sim}), timezone="UTC")
    [update] = backend.parse_webhook(hook(SMS_REPORT)).statuses
    assert update.occurred_at.utcoffset().total_seconds() == 0


def test_failed_report_carries_its_error(backend):
    [update] = backend.parse_webhook(hook({**SMS_REPORT, "deliveryStatus": "UNDELIVERABLE", "timeStamp": "garbage"})).statuses
    assert update.status == MessageStatus.UNDELIVERED
    assert update.error.code == ErrorCode.NOT_DELIVERED
    assert update.occurred_at is None


def test_ussd_receive_is_an_inbound_ussd_answer(backend):
    [item] = backend.parse_webhook(hook(USSD_RECEIVE)).inbound
    assert (item.kind, item.from_number, item.text) == ("ussd", "+6792870940", "*141#")
    assert (item.session_id, item.ussd_op, item.provider_message_id) == ("1330929317043", "mt-cont", "1330933229901")


@pytest.mark.parametrize("op", ["mo-init", "mo-cont"])
def test_ussd_operations_are_passed_on(backend, op):
    [item] = backend.parse_webhook(hook({**USSD_RECEIVE, "ussdOperation": op, "message": "2"})).inbound
    assert (item.ussd_op, item.text) == (op, "2")


def test_charging_notification_is_a_charging_event(backend):
    [event] = backend.parse_webhook(hook(CHARGING)).events
    assert event.kind == "charging"
    assert event.data["ok"] is True
    assert event.data["reference"] == "6792870940169943053700500040"
    assert (event.data["paid_amount"], event.data["total_amount"], event.data["currency"]) == ("5.00", "5.00", "FJD")
    assert event.data["internal_trx_id"] == "9111511550014764"


def test_failed_charging_says_why(backend):
    body = {**CHARGING, "statusCode": "E1378", "statusDetail": "Insufficient balance.", "paidAmount": "0"}
    [event] = backend.parse_webhook(hook(body)).events
    assert event.data["ok"] is False
    assert event.data["error"] == ErrorCode.INSUFFICIENT_BALANCE


def test_subscription_notify_is_a_subscription_event(backend):
    [event] = backend.parse_webhook(hook(SUBSCRIPTION_NOTIFY)).events
    assert (event.kind, event.phone) == ("subscription", "+6792870940")
    assert event.data["status"] == "REGISTERED"
    assert event.data["frequency"] == "monthly"


def test_unsubscription_notify(backend):
    [event] = backend.parse_webhook(hook({**SUBSCRIPTION_NOTIFY, "status": "UNREGISTERED."})).events
    assert (event.kind, event.phone) == ("unsubscription", "+6792870940")


def test_kind_comes_from_the_body_whatever_the_url_says(backend):
    result = backend.parse_webhook(hook(SMS_REPORT, kind="receive"))
    assert len(result.statuses) == 1 and result.inbound == []


def test_url_kind_decides_when_the_body_cannot(backend):
    body = {"subscriberId": "tel:6792870940", "applicationId": "APP_1"}
    [event] = backend.parse_webhook(hook(body, kind="subscription")).events
    assert event.kind == "subscription_status"


def test_a_list_of_reports(backend):
    second = {**SMS_REPORT, "requestId": "MSG_2", "deliveryStatus": "EXPIRED"}
    result = backend.parse_webhook(hook([SMS_REPORT, second]))
    assert [u.status for u in result.statuses] == [MessageStatus.DELIVERED, MessageStatus.EXPIRED]


def test_masked_numbers_are_kept_as_sent(backend):
    [item] = backend.parse_webhook(hook({**SMS_RECEIVE, "sourceAddress": "tel:B%3C4E2A9F"})).inbound
    assert item.from_number == "B%3C4E2A9F"


def test_form_encoded_mo_is_accepted(backend):
    body = "sourceAddress=tel%3A6792870940&message=STOP&applicationId=APP_1"
    [item] = backend.parse_webhook(hook(body, content_type="application/x-www-form-urlencoded")).inbound
    assert (item.from_number, item.text) == ("+6792870940", "STOP")


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b'{"version": "1.0", \xe2\x80\xa2 "applicationId": "APP_1"}',  # the document's bullets, as printed
        b"{}",
        b"[]",
        b"[1, 2]",
        b'"a string"',
        json.dumps({"version": "1.0", "applicationId": "APP_1"}).encode(),
        json.dumps({"deliveryStatus": "DELIVERED"}).encode(),
        json.dumps({"ussdOperation": "mo-cont", "message": "1"}).encode(),
        json.dumps({"subscriberId": "", "status": "REGISTERED"}).encode(),
    ],
)
def test_malformed_bodies_raise_malformed_webhook(backend, body):
    with pytest.raises(MalformedWebhook):
        backend.parse_webhook(hook(body))


def test_ack_is_the_platforms_success_json(backend):
    request = hook(SMS_REPORT)
    ack = backend.webhook_ack(request, backend.parse_webhook(request))
    assert ack.status == 200
    assert ack.content_type == "application/json"
    assert json.loads(ack.body) == {"statusCode": "S1000", "statusDetail": "Success"}


def test_ack_for_a_malformed_body_is_400(backend):
    ack = backend.webhook_ack(hook(b"nope"), None)
    assert ack.status == 400
    assert json.loads(ack.body)["statusCode"] == "E1312"
