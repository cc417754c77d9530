"""Shared helpers for the V-Appstore tests."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
from django.conf import settings

from providers.base import Channel, ConnectionConfig, OutboundMessage, WebhookRequest
from providers.http import ProviderHTTP
from providers.simulator.testing import SimulatorTransport
from providers.vappstore.backend import VAppstoreBackend

SEED = Path(settings.BASE_DIR).parent / "shared" / "seeds" / "001_cdfb276d4e87ad84.txt"
BASE_URL = "http://sim.test/vappstore"
CREDENTIALS = {"applicationId": "APP_999999", "password": "password"}


def webhook_url(slug: str, value: str, kind: str = "") -> str | None:
    return f"http://portal.test/webhooks/{slug}/tok-{value}/{kind}/" if value.startswith("APP") else None


def make_backend(transport: httpx.BaseTransport, credentials: dict | None = None, **settings_: object) -> VAppstoreBackend:
    config = ConnectionConfig(id=1, provider="vappstore", base_url=BASE_URL, credentials=credentials or CREDENTIALS, settings=settings_)
    http = ProviderHTTP(httpx.Client(transport=transport), connection_id=None, account_id=None, redact=VAppstoreBackend.redact_keys)
    return VAppstoreBackend(config, http)


def sms(mid: int, to: str, text: str = "Hello", **kw) -> OutboundMessage:
    return OutboundMessage(id=mid, to=to, channel=Channel.SMS, text=text, **kw)


def ussd(mid: int, to: str, text: str, op: str, session_id: str = "") -> OutboundMessage:
    payload = {"op": op, **({"session_id": session_id} if session_id else {})}
    return OutboundMessage(id=mid, to=to, channel=Channel.USSD, text=text, payload=payload)


def hook(body: dict | list | str | bytes, kind: str = "", content_type: str = "application/json;charset=utf-8") -> WebhookRequest:
    if isinstance(body, dict | list):
        body = json.dumps(body)
    if isinstance(body, str):
        body = body.encode()
    return WebhookRequest(method="POST", kind=kind, content_type=content_type, body=body)


def sent_json(request: httpx.Request) -> dict:
    return json.loads(request.content)


class Recorder(SimulatorTransport):
    """The simulator transport, keeping every request it carried."""

    def __init__(self, simulators: dict) -> None:
        self.requests: list[httpx.Request] = []
        super().__init__(simulators)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return super()._handle(request)


def replying(*responses: httpx.Response) -> tuple[httpx.MockTransport, list[httpx.Request]]:
    """A transport answering the given responses in turn, and the requests it saw."""
    seen: list[httpx.Request] = []
    queue = list(responses)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return queue.pop(0) if len(queue) > 1 else queue[0]

    return httpx.MockTransport(handler), seen
