"""What V-Appstore posts to us: sms/receive (MO), sms/report (delivery reports),
ussd/receive (mo-init / mo-cont), caas/chargingNotification and subscription/notify.

One URL serves them all: the kind is read from the body's fields; the optional trailing
path segment (``/webhooks/vappstore/<token>/<kind>/``) only decides when the body alone
cannot. A JSON list of such objects is accepted too."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from providers.base import InboundItem, MalformedWebhook, ProviderEvent, StatusUpdate, WebhookRequest, WebhookResult
from providers.vappstore.codes import delivery_status, error_for, is_success, subscription_event_kind
from providers.vappstore.fields import address_key, from_tel, has_any, parse_time, pick

REPORT, SMS, USSD, CHARGING, SUBSCRIPTION = "report", "sms", "ussd", "charging", "subscription"

# Trailing URL segments we understand, by the words a configuration might use.
PATH_KINDS = {
    "report": REPORT,
    "dlr": REPORT,
    "receive": SMS,
    "sms": SMS,
    "mo": SMS,
    "ussd": USSD,
    "charging": CHARGING,
    "chargingnotification": CHARGING,
    "caas": CHARGING,
    "subscription": SUBSCRIPTION,
    "notify": SUBSCRIPTION,
}


def provider_message_id(request_id: str, address: str) -> str:
    """Our key for one destination of a send: the requestId plus the address, so it is
    unique even when one requestId covers a whole multi-destination request."""
    return f"{request_id}:{address_key(address)}"


def parse(request: WebhookRequest, timezone: str) -> WebhookResult:
    result = WebhookResult()
    for item in _objects(request):
        kind = kind_of(item, request.kind)
        if kind == REPORT:
            result.statuses.append(parse_report(item, timezone))
        elif kind == SMS:
            result.inbound.append(parse_sms(item, timezone))
        elif kind == USSD:
            result.inbound.append(parse_ussd(item))
        elif kind == CHARGING:
            result.events.append(parse_charging(item))
        elif kind == SUBSCRIPTION:
            result.events.append(parse_subscription(item, timezone))
        else:
            raise MalformedWebhook(
                "not a V-Appstore notification: no deliveryStatus, ussdOperation, message, charging or subscription fields"
            )
    return result


def _objects(request: WebhookRequest) -> list[dict[str, Any]]:
    data = _decode(request)
    items = data if isinstance(data, list) else [data]
    if not items or not all(isinstance(item, dict) and item for item in items):
        raise MalformedWebhook("expected a JSON object (or a list of them)")
    return items


def _decode(request: WebhookRequest) -> Any:
    text = request.body.decode("utf-8", "replace").strip()
    if text[:1] in ("{", "["):
        try:
            return json.loads(text)
        except ValueError as exc:
            raise MalformedWebhook(f"invalid JSON: {exc}") from exc
    if "form" in request.content_type and text:
        return dict(parse_qsl(text, keep_blank_values=True))
    if not text and request.query:
        return dict(request.query)
    raise MalformedWebhook("empty or non-JSON body")


def kind_of(item: dict[str, Any], path_kind: str = "") -> str:
    """Which notification this is, from its fields first, else from the URL's kind."""
    if has_any(item, "deliveryStatus"):
        return REPORT
    if has_any(item, "ussdOperation", "sessionId"):
        return USSD
    if has_any(item, "paidAmount", "totalAmount", "balanceDue", "internalTrxId", "referenceId"):
        return CHARGING
    if has_any(item, "subscriberId") and has_any(item, "status", "frequency", "subscriptionStatus"):
        return SUBSCRIPTION
    if has_any(item, "message") and has_any(item, "sourceAddress"):
        return SMS
    return PATH_KINDS.get((path_kind or "").strip("/").lower().replace("-", "").replace("_", ""), "")


def parse_report(item: dict[str, Any], timezone: str) -> StatusUpdate:
    request_id = pick(item, "requestId", "messageId")
    address = pick(item, "destinationAddress", "address")
    if not request_id or not address:
        raise MalformedWebhook("sms/report without requestId or destinationAddress")
    word = pick(item, "deliveryStatus")
    status, error = delivery_status(word)
    return StatusUpdate(
        status=status,
        provider_message_id=provider_message_id(request_id, address),
        error=error,
        raw_status=word,
        occurred_at=parse_time(pick(item, "timeStamp"), timezone),
        to=from_tel(address),
    )


def parse_sms(item: dict[str, Any], timezone: str) -> InboundItem:
    source = pick(item, "sourceAddress")
    if not source:
        raise MalformedWebhook("sms/receive without sourceAddress")
    return InboundItem(
        kind="sms",
        from_number=from_tel(source),
        text=pick(item, "message"),
        to=pick(item, "destinationAddress", "shortCode"),
        provider_message_id=pick(item, "Correlation-id", "requestId"),
        received_at=parse_time(pick(item, "timeStamp"), timezone),
        raw=item,
    )


def parse_ussd(item: dict[str, Any]) -> InboundItem:
    source = pick(item, "sourceAddress")
    session = pick(item, "sessionId")
    if not source or not session:
        raise MalformedWebhook("ussd/receive without sourceAddress or sessionId")
    return InboundItem(
        kind="ussd",
        from_number=from_tel(source),
        text=pick(item, "message"),
        provider_message_id=pick(item, "requestId"),
        session_id=session,
        ussd_op=pick(item, "ussdOperation").lower(),
        raw=item,
    )


def parse_charging(item: dict[str, Any]) -> ProviderEvent:
    """caas/chargingNotification: the outcome of a one-time charge authorised by an OTP.
    ``reference`` is the requestCorrelator otp_generate returned (sent as referenceId)."""
    code = pick(item, "statusCode")
    detail = pick(item, "statusDetail")
    ok = bool(code) and is_success(code)
    data = {
        "ok": ok,
        "reference": pick(item, "referenceId", "referenceNo", "requestCorrelator"),
        "external_trx_id": pick(item, "externalTrxId"),
        "internal_trx_id": pick(item, "internalTrxId"),
        "status_code": code,
        "status_detail": detail,
        "paid_amount": pick(item, "paidAmount"),
        "total_amount": pick(item, "TotalAmount"),
        "balance_due": pick(item, "balanceDue"),
        "currency": pick(item, "currency"),
        "timestamp": pick(item, "timeStamp"),
    }
    if not ok:
        data["error"] = error_for(code, detail).code.value
    return ProviderEvent(kind="charging", phone=_phone(item), data=data)


def parse_subscription(item: dict[str, Any], timezone: str) -> ProviderEvent:
    subscriber = pick(item, "subscriberId")
    word = pick(item, "status", "subscriptionStatus")
    if not subscriber:
        raise MalformedWebhook("subscription/notify without subscriberId")
    occurred = parse_time(pick(item, "timeStamp"), timezone)
    data = {
        "status": word.rstrip("."),
        "frequency": pick(item, "frequency"),
        "application_id": pick(item, "applicationId"),
        "occurred_at": occurred.isoformat() if occurred else "",
    }
    return ProviderEvent(kind=subscription_event_kind(word), phone=from_tel(subscriber), data=data)


def _phone(item: dict[str, Any]) -> str:
    address = pick(item, "subscriberId", "sourceAddress", "destinationAddress")
    return from_tel(address) if address else ""
