"""Reading VavaSMS replies, which are not always valid JSON (the document's own error
samples end objects with a trailing comma)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from providers.vavasms.codes import SUCCESS_CODE

_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_CODE = re.compile(r'"code"\s*:\s*"?(\d+)"?')
_TEXT_FIELD = r'"{name}"\s*:\s*"([^"]*)"'


@dataclass
class Reply:
    code: str
    label: str = ""  # "message" or "status": OPERATION_SUCCES, INVALID_CREDENTIALS...
    description: str = ""
    data: Any = field(default=None)

    @property
    def ok(self) -> bool:
        return self.code == SUCCESS_CODE


class UnreadableReply(ValueError):
    pass


def load_lenient(text: str) -> Any:
    """json.loads, then once more without trailing commas."""
    try:
        return json.loads(text)
    except ValueError:
        return json.loads(_TRAILING_COMMA.sub(r"\1", text))


def parse_reply(text: str) -> Reply:
    """The reply's code, label, description and data; UnreadableReply when it has no code."""
    try:
        body = load_lenient(text)
    except ValueError:
        return _parse_by_pattern(text)
    if not isinstance(body, dict) or "code" not in body:
        raise UnreadableReply(f"VavaSMS reply without a code: {text[:200]!r}")
    label = body.get("message") or body.get("status") or ""
    return Reply(
        code=str(body["code"]).strip(),
        label=str(label),
        description=str(body.get("description") or ""),
        data=body.get("data"),
    )


def _parse_by_pattern(text: str) -> Reply:
    match = _CODE.search(text)
    if match is None:
        raise UnreadableReply(f"VavaSMS reply is not JSON: {text[:200]!r}")
    return Reply(
        code=match.group(1), label=_text_field(text, "message") or _text_field(text, "status"), description=_text_field(text, "description")
    )


def _text_field(text: str, name: str) -> str:
    match = re.search(_TEXT_FIELD.format(name=name), text)
    return match.group(1) if match else ""


def message_ids(data: Any) -> list[str]:
    """data.message_id of a send reply: a list, or one string for a single phone."""
    if not isinstance(data, dict):
        return []
    ids = data.get("message_id")
    if isinstance(ids, str):
        return [ids] if ids else []
    if isinstance(ids, list):
        return [str(i) for i in ids]
    return []
