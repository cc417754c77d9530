"""VT's one callback webhook (SMS, VOICE and WHATSAPP) -> StatusUpdates.

Accepted bodies: a JSON object (or a list of them), form-encoded fields, or the fields in
the query string of a GET. The document's printed sample uses curly quotes and a raw line
break inside a string; both are tolerated.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from providers.base import ErrorClass, MalformedWebhook, ProviderError, StatusUpdate, WebhookRequest, WebhookResult
from providers.vt.statuses import CALL_STATUSES, DELIVERY_STATUSES, VOICE_DELIVERY_STATUSES, Meaning

CURLY_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "″": '"'})


def parse(request: WebhookRequest) -> WebhookResult:
    events = read_events(request)
    statuses: list[StatusUpdate] = []
    for event in events:
        statuses.extend(event_updates(event))
    return WebhookResult(statuses=statuses)


def read_events(request: WebhookRequest) -> list[dict[str, Any]]:
    """The event objects in the request, with upper-case keys."""
    text = request.body.decode("utf-8", "replace").strip() if request.body else ""
    if text[:1] in ("{", "["):
        data = load_json(text)
        items = data if isinstance(data, list) else [data]
        if not items or not all(isinstance(item, dict) for item in items):
            raise MalformedWebhook("VT webhook JSON must be an object or a list of objects")
        return [upper_keys({**request.query, **item}) for item in items]
    fields = dict(request.query)
    if text:
        pairs = parse_qsl(text, keep_blank_values=True)
        if not pairs or any(not key for key, _ in pairs):
            raise MalformedWebhook("VT webhook body is neither JSON nor form fields")
        fields.update(pairs)
    if not fields:
        raise MalformedWebhook("empty VT webhook")
    return [upper_keys(fields)]


def load_json(text: str) -> Any:
    for candidate in (text, text.translate(CURLY_QUOTES)):
        try:
            return json.loads(candidate, strict=False)  # strict=False: raw line breaks in strings
        except ValueError:
            continue
    raise MalformedWebhook("VT webhook body is not valid JSON")


def upper_keys(data: dict[str, Any]) -> dict[str, Any]:
    return {str(key).strip().upper(): value for key, value in data.items()}


def text_of(event: dict[str, Any], *keys: str) -> str:
    for key in keys:
        value = event.get(key)
        if value is not None and str(value).strip():
            return str(value).strip()
    return ""


def event_updates(event: dict[str, Any]) -> list[StatusUpdate]:
    medium = text_of(event, "MEDIUM").upper()
    call_word = text_of(event, "CALL_STATUS").upper()
    delivery_word = text_of(event, "DELIVERY_STATUS").upper()
    is_call = bool(call_word) and medium in ("VOICE", "")
    word, meaning = (call_word, call_meaning(call_word)) if is_call else (delivery_word, delivery_meaning(delivery_word))
    if medium == "VOICE" and not is_call:
        meaning = VOICE_DELIVERY_STATUSES.get(word, meaning)
    ids = provider_ids(event, medium)
    our_id = text_of(event, "MESSAGE_REF")
    our_id = our_id if our_id.isdigit() and len(our_id) <= 18 else ""  # a bigint primary key
    if not ids and not our_id:
        raise MalformedWebhook("VT webhook without MESSAGE_ID or CALL_ID")
    common = {
        "status": meaning.status,
        "message_id": int(our_id) if our_id else None,
        "error": failure(meaning, word),
        "raw_status": word,
        "occurred_at": parse_time(text_of(event, "TIME")),
        "call_outcome": meaning.call_outcome,
        "dtmf": text_of(event, "CALL_DTMF") if is_call else "",
        "duration_seconds": parse_int(text_of(event, "CALL_DURATION", "DURATION")),
        "to": text_of(event, "RECEIPENT", "RECIPIENT", "RECEIVER_NUMBER"),
    }
    return [StatusUpdate(provider_message_id=pid, **common) for pid in ids or [""]]


def delivery_meaning(word: str) -> Meaning:
    if not word:
        raise MalformedWebhook("VT webhook without DELIVERY_STATUS or CALL_STATUS")
    if word not in DELIVERY_STATUSES:
        raise MalformedWebhook(f"undocumented VT DELIVERY_STATUS {word!r}")
    return DELIVERY_STATUSES[word]


def call_meaning(word: str) -> Meaning:
    if word not in CALL_STATUSES:
        raise MalformedWebhook(f"undocumented VT CALL_STATUS {word!r}")
    return CALL_STATUSES[word]


def provider_ids(event: dict[str, Any], medium: str) -> list[str]:
    """The ids a send reply may have given us for this event.

    A call placed with /v3/sendcall was stored under the reply's CALL_ID; an SMS, a voice
    OTP (sent through /v3/sendsms) or a WhatsApp message under MESSAGE_ID. For VOICE both
    are returned when they differ, so whichever we stored is found."""
    message_id, call_id = text_of(event, "MESSAGE_ID"), text_of(event, "CALL_ID")
    candidates = [call_id, message_id] if medium == "VOICE" else [message_id or call_id]
    return list(dict.fromkeys(c for c in candidates if c))


def failure(meaning: Meaning, word: str) -> ProviderError | None:
    if meaning.error is None:
        return None
    return ProviderError(meaning.error, ErrorClass.PERMANENT, raw_code=word, message=f"VT reported {word}")


def parse_time(value: str) -> datetime | None:
    """TIME is DDMMYYHHMMSS; VT does not say its zone, UTC is assumed. YY is 20YY (strptime's
    %y would read 69-99 as 19YY)."""
    if len(value) != 12 or not value.isdigit():
        return None
    day, month, year, hour, minute, second = (int(value[i : i + 2]) for i in range(0, 12, 2))
    try:
        return datetime(2000 + year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError:
        return None


def parse_int(value: str) -> int | None:
    try:
        return int(float(value)) if value else None
    except ValueError:
        return None
