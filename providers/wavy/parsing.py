"""Reading Wavy's JSON: sent-status callbacks, delivery reports, status query rows and MOs.

Callbacks, DLRs and status-query rows share one shape (id, correlationId, destination,
sentStatusCode..., deliveredStatusCode...), so one function reads them all. The document
names the time fields differently in different places (sentAt / sentStatusAt,
deliveredAt / deliveredDate), and prints samples that are not valid JSON (a trailing
comma): both variants are accepted."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from providers.base import InboundItem, MalformedWebhook, MessageStatus, StatusUpdate
from providers.wavy import codes

_TRAILING_COMMA = re.compile(rb",\s*([}\]])")


def load_json(body: bytes | str) -> Any:
    """JSON, tolerating the trailing commas of the document's own samples."""
    raw = body.encode() if isinstance(body, str) else body
    try:
        return json.loads(raw)
    except ValueError:
        return json.loads(_TRAILING_COMMA.sub(rb"\1", raw))


def e164(number: object) -> str:
    """Wavy writes numbers as bare digits (5511900009999); we keep the leading +."""
    text = str(number or "").strip()
    digits = "".join(ch for ch in text if ch.isdigit())
    return f"+{digits}" if digits else text


def wavy_number(number: str) -> str:
    """Our E.164 to Wavy's digits-only form."""
    digits = number[1:]
    if number[:1] == "+" and digits.isascii() and digits.isdigit():  # the usual case, checked in C
        return digits
    return "".join(ch for ch in number if ch.isdigit())


def our_message_id(correlation_id: object) -> int | None:
    """Our Message pk, which we send as correlationId; None for anybody else's value."""
    text = str(correlation_id or "").strip()
    return int(text) if text.isdigit() else None


def parse_time(epoch: object = None, iso: object = None) -> datetime | None:
    """Epoch (milliseconds in every sample; seconds accepted) else an ISO-8601 date."""
    if (isinstance(epoch, int | float) and not isinstance(epoch, bool)) or (isinstance(epoch, str) and epoch.isdigit()):
        value = float(epoch)
        if value > 1e11:
            value /= 1000
        try:
            return datetime.fromtimestamp(value, tz=UTC)
        except (OverflowError, OSError, ValueError):
            pass
    if isinstance(iso, str) and iso:
        try:
            parsed = datetime.fromisoformat(iso.replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def is_status_record(item: dict[str, Any]) -> bool:
    return any(k in item for k in ("sentStatusCode", "sentStatus", "deliveredStatusCode", "deliveredStatus"))


def is_mo_record(item: dict[str, Any]) -> bool:
    return "source" in item and "messageText" in item


def status_from_record(item: dict[str, Any]) -> StatusUpdate:
    """The furthest status a record tells: its delivered level when present, else its sent level.
    A record with neither (a status query row for a message still queued at Wavy) is `submitted`."""
    delivered = codes.delivered_code(item.get("deliveredStatusCode"), item.get("deliveredStatus"))
    sent = codes.sent_code(item.get("sentStatusCode"), item.get("sentStatus"))
    common = {
        "provider_message_id": str(item.get("id") or ""),
        "message_id": our_message_id(item.get("correlationId")),
        "network": str(item.get("carrierName") or ""),
        "to": e164(item.get("destination")) if item.get("destination") else "",
    }
    if delivered is not None or item.get("deliveredStatus"):
        return _level_update(
            delivered,
            str(item.get("deliveredStatus") or ""),
            codes.DELIVERED_STATUS,
            "delivered",
            parse_time(item.get("deliveredAt"), item.get("deliveredDate")),
            common,
        )
    if sent is not None or item.get("sentStatus"):
        when = parse_time(item.get("sentAt", item.get("sentStatusAt")), item.get("sentDate", item.get("sentStatusDate")))
        return _level_update(sent, str(item.get("sentStatus") or ""), codes.SENT_STATUS, "sent", when, common)
    return StatusUpdate(status=MessageStatus.SUBMITTED, raw_status="", **common)


def _level_update(
    code: int | None, word: str, table: dict[int, codes.StatusMeaning], level: str, when: datetime | None, common: dict[str, Any]
) -> StatusUpdate:
    meaning = table.get(code) if code is not None else None
    raw = f"{code} {word}".strip() if code is not None else word
    if meaning is None:
        status, error = codes.unmapped(code, word, level)
        return StatusUpdate(status=status, error=error, raw_status=raw, occurred_at=when, **common)
    error = codes.meaning_error(meaning, code)  # type: ignore[arg-type]
    return StatusUpdate(status=meaning.status, error=error, raw_status=raw or meaning.word, occurred_at=when, **common)


def inbound_from_record(item: dict[str, Any]) -> InboundItem:
    """An MO; its ``mt`` object names the message it answers (Wavy id and our correlationId)."""
    mt = item.get("mt") if isinstance(item.get("mt"), dict) else {}
    return InboundItem(
        kind="sms",
        from_number=e164(item.get("source")),
        text=str(item.get("messageText") or ""),
        to=str(item.get("shortCode") or ""),
        provider_message_id=str(item.get("id") or ""),
        received_at=parse_time(item.get("receivedAt"), item.get("receivedDate")),
        raw=item,
        reply_to_provider_id=str(mt.get("id") or ""),
        reply_to_message_id=our_message_id(mt.get("correlationId")),
    )


def records_of(data: Any) -> list[dict[str, Any]]:
    """The objects a body carries: one object, a list of them, or an MO list wrapper."""
    if isinstance(data, dict) and isinstance(data.get("messages"), list) and not is_status_record(data) and not is_mo_record(data):
        data = data["messages"]
    if isinstance(data, dict):
        return [data]
    if isinstance(data, list) and all(isinstance(x, dict) for x in data):
        return data
    raise MalformedWebhook("expected a JSON object or a list of objects")
