"""A small provider for engine tests: bulk JSON sends, a status query, and webhooks in a
plain JSON shape, so intake tests do not depend on any real provider's format.

Webhook body: {"statuses": [{"id": "<provider id>", "ref": <our id>, "status": "delivered",
"outcome": "answered", "dtmf": "1", "duration": 42, "to": "+92..."}], "inbound": [{"from": "+92...",
"text": "STOP", "id": "mo1", "kind": "sms", "session": "", "op": ""}], "events": [...]}"""

from __future__ import annotations

import json
from collections.abc import Sequence

import httpx

from providers.base import (
    Capability,
    ErrorClass,
    ErrorCode,
    InboundItem,
    MalformedWebhook,
    MessageStatus,
    OutboundMessage,
    ProviderBackend,
    ProviderError,
    ProviderEvent,
    SendResult,
    StatusUpdate,
    WebhookRequest,
    WebhookResult,
    http_status_error,
    transport_error,
)


class FakeBackend(ProviderBackend):
    slug = "fake"
    name = "Fake bulk provider"
    default_base_url = "http://fake.test/fake"
    capabilities = frozenset(
        {Capability.SMS, Capability.SMS_UNICODE, Capability.USSD, Capability.VOICE_OTP, Capability.STATUS_QUERY, Capability.INBOUND}
    )
    bulk_size = 50

    def send_batch(self, messages: Sequence[OutboundMessage]) -> list[SendResult]:
        body = {
            "key": self.config.credentials.get("key", ""),
            "messages": [{"ref": m.id, "to": m.to, "text": m.text, "channel": str(m.channel), "payload": m.payload} for m in messages],
        }
        try:
            response = self.http.post(self.url("/send"), json=body)
        except httpx.HTTPError as exc:
            error = transport_error(exc, sent=True)
            return [
                SendResult(m.id, MessageStatus.UNKNOWN if error.error_class == ErrorClass.AMBIGUOUS else MessageStatus.FAILED, error=error)
                for m in messages
            ]
        error = http_status_error(response.status_code, response.text)
        if error is not None:
            return [SendResult(m.id, MessageStatus.FAILED, error=error) for m in messages]
        results = []
        for item in response.json()["results"]:
            if item.get("error"):
                err = ProviderError(ErrorCode.INVALID_NUMBER, ErrorClass.PERMANENT, raw_code=item["error"])
                results.append(SendResult(item["ref"], MessageStatus.FAILED, error=err))
            else:
                results.append(SendResult(item["ref"], MessageStatus.SUBMITTED, provider_message_id=item["id"]))
        return results

    def query_status(self, messages: Sequence[tuple[int, str]]) -> list[StatusUpdate]:
        response = self.http.post(self.url("/status"), json={"refs": [ref for ref, _ in messages]})
        return [
            StatusUpdate(status=MessageStatus(item["status"]), message_id=item["ref"], provider_message_id=item.get("id", ""))
            for item in response.json()["results"]
        ]

    def parse_webhook(self, request: WebhookRequest) -> WebhookResult:
        try:
            data = json.loads(request.body or b"")
        except ValueError as exc:
            raise MalformedWebhook("not JSON") from exc
        if not isinstance(data, dict):
            raise MalformedWebhook("not an object")
        try:
            statuses = [
                StatusUpdate(
                    status=MessageStatus(s["status"]),
                    provider_message_id=s.get("id", ""),
                    message_id=s.get("ref"),
                    call_outcome=s.get("outcome", ""),
                    dtmf=s.get("dtmf", ""),
                    duration_seconds=s.get("duration"),
                    to=s.get("to", ""),
                )
                for s in data.get("statuses", [])
            ]
            inbound = [
                InboundItem(
                    kind=i.get("kind", "sms"),
                    from_number=i["from"],
                    text=i.get("text", ""),
                    provider_message_id=i.get("id", ""),
                    session_id=i.get("session", ""),
                    ussd_op=i.get("op", ""),
                )
                for i in data.get("inbound", [])
            ]
            events = [ProviderEvent(kind=e["kind"], phone=e.get("phone", "")) for e in data.get("events", [])]
        except (KeyError, ValueError, TypeError) as exc:
            raise MalformedWebhook(str(exc)) from exc
        return WebhookResult(statuses=statuses, inbound=inbound, events=events)
