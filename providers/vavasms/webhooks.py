"""VavaSMS MO notifications: a POST to the notification URL set in the back office with
``message_id``, ``form`` (the sender: the document's spelling; ``from`` is accepted too),
``content`` and ``sms_date``. Form-encoded, JSON (an object or a list of them) and query
parameters are all read. ``message_id`` is what the portal deduplicates on."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from providers.base import InboundItem, MalformedWebhook, WebhookRequest

DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M")


def request_items(request: WebhookRequest) -> list[dict[str, Any]]:
    """The objects a webhook carries, from its JSON or form body merged over its query."""
    text = request.body.decode("utf-8", "replace").strip()
    if not text:
        return [dict(request.query)] if request.query else []
    if "json" in request.content_type or text[:1] in "{[":
        try:
            body = json.loads(text)
        except ValueError as exc:
            raise MalformedWebhook(f"invalid JSON: {exc}")
        objects = body if isinstance(body, list) else [body]
        if not all(isinstance(o, dict) for o in objects):
            raise MalformedWebhook("expected a JSON object or a list of objects")
        return [{**request.query, **o} for o in objects]
    return [{**request.query, **dict(parse_qsl(text, keep_blank_values=True))}]


def parse_sms_date(value: str) -> datetime | None:
    """sms_date in the usual layouts; naive times are taken as UTC (Abidjan is UTC+0)."""
    value = value.strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        parsed = None
        for layout in DATE_FORMATS:
            try:
                parsed = datetime.strptime(value, layout)
                break
            except ValueError:
                continue
    if parsed is None:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def to_inbound(item: dict[str, Any]) -> InboundItem:
    message_id = str(item.get("message_id") or "").strip()
    sender = str(item.get("form") or item.get("from") or "").strip()
    if not message_id or not sender:
        raise MalformedWebhook("a VavaSMS notification needs message_id and form (the sender)")
    digits = "".join(ch for ch in sender if ch.isdigit())
    return InboundItem(
        kind="sms",
        from_number=f"+{digits}" if digits and len(digits) == len(sender.lstrip("+")) else sender,
        text=str(item.get("content") or ""),
        to=str(item.get("to") or ""),
        provider_message_id=message_id,
        received_at=parse_sms_date(str(item.get("sms_date") or "")),
        raw={k: str(v) for k, v in item.items()},
    )


def parse_notification(request: WebhookRequest) -> list[InboundItem]:
    items = request_items(request)
    if not items:
        raise MalformedWebhook("empty VavaSMS notification")
    return [to_inbound(item) for item in items]
