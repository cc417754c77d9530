"""Reading VT's JSON replies: STATUS SUCCESSFUL or ERROR with an ERROR_FILTER."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import httpx

from providers.base import ErrorClass, ErrorCode, ProviderError, http_status_error
from providers.vt.errors import classify_error

SUCCESS_WORDS = frozenset({"SUCCESSFUL", "SUCCESS", "OK", "TRUE"})


@dataclass
class Reply:
    error: ProviderError | None
    data: dict[str, Any] = field(default_factory=dict)  # keys upper-cased

    @property
    def ok(self) -> bool:
        return self.error is None

    def text(self, *keys: str) -> str:
        return first_text(self.data, *keys)


def first_text(data: dict[str, Any], *keys: str) -> str:
    """The first of ``keys`` with a non-blank value, as text."""
    for key in keys:
        value = data.get(key)
        if value is not None and str(value).strip():
            return str(value).strip()
    return ""


def read_reply(response: httpx.Response) -> Reply:
    """Classify one reply; never raises, whatever the body."""
    data = json_object(response)
    if response.status_code == 429:  # whatever the body says, keep the Retry-After
        return Reply(http_status_error(429, response.text, retry_after(response)), data)
    status_word = str(data.get("STATUS", "")).strip().upper()
    if data and (status_word == "ERROR" or (status_word not in SUCCESS_WORDS and data.get("ERROR_FILTER"))):
        error = classify_error(
            str(data.get("ERROR_FILTER") or ""),
            str(data.get("ERROR_DESCRIPTION") or data.get("MESSAGE") or ""),
            str(data.get("ERROR_CODE") or ""),
        )
        return Reply(error, data)
    status_error = http_status_error(response.status_code, response.text, retry_after(response))
    if status_error is not None:
        return Reply(status_error, data)
    if response.is_success and status_word in SUCCESS_WORDS:
        return Reply(None, data)
    return Reply(unreadable(response), data)


def unreadable(response: httpx.Response) -> ProviderError:
    snippet = response.text[:150]
    if response.is_success:
        # VT answered 2xx but not in its documented shape: it may have taken the message.
        return ProviderError(
            ErrorCode.PROVIDER_ERROR,
            ErrorClass.AMBIGUOUS,
            raw_code=str(response.status_code),
            message=f"Unreadable reply from VT: {snippet!r}",
        )
    if response.status_code == 404:
        return ProviderError(
            ErrorCode.BAD_REQUEST, ErrorClass.ACCOUNT, raw_code="404", message="VT answered 404: check the connection's base URL."
        )
    return ProviderError(
        ErrorCode.BAD_REQUEST,
        ErrorClass.PERMANENT,
        raw_code=str(response.status_code),
        message=f"VT answered HTTP {response.status_code}: {snippet!r}",
    )


def json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        data = json.loads(response.content or b"null")
    except ValueError:
        return {}
    return {str(k).upper(): v for k, v in data.items()} if isinstance(data, dict) else {}


def retry_after(response: httpx.Response) -> float | None:
    try:
        return float(response.headers.get("retry-after", ""))
    except ValueError:
        return None


def charged(data: dict[str, Any]) -> Decimal | None:
    """CHARGED_BALANCE is "activated in future"; 0 or absent means not told."""
    try:
        amount = Decimal(str(data.get("CHARGED_BALANCE", "")))
    except InvalidOperation:
        return None
    return amount if amount > 0 else None


def nested_id(data: dict[str, Any]) -> str:
    """An id in a nested object ({"data": {"id"}} or {"messages": [{"id"}]}), for the
    WhatsApp and media replies the document does not print."""
    for key in ("DATA", "MESSAGES", "MEDIA", "RESULT"):
        value = data.get(key)
        if isinstance(value, list) and value:
            value = value[0]
        if isinstance(value, dict):
            inner = {str(k).lower(): v for k, v in value.items()}
            for name in ("id", "message_id", "media_id", "mediaid"):
                if inner.get(name):
                    return str(inner[name])
    return ""
