"""Placeholders in message text: {{ first_name }}, {{ last_name }}, {{ phone }} and any
custom attribute ({{ city }}). Unknown placeholders render empty; nothing else is code."""

from __future__ import annotations

import re
from typing import Any

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
BUILTIN = ("first_name", "last_name", "phone")


def placeholders(text: str) -> list[str]:
    seen: dict[str, None] = {}
    for match in PLACEHOLDER.finditer(text or ""):
        seen.setdefault(match.group(1), None)
    return list(seen)


def contact_values(contact: Any) -> dict[str, str]:
    """The values a contact (a Contact or a plain dict) offers to placeholders."""
    if isinstance(contact, dict):
        values = {k: v for k, v in (contact.get("attributes") or {}).items()}
        values.update({k: v for k, v in contact.items() if k != "attributes"})
    else:
        values = dict(contact.attributes or {})
        values.update(first_name=contact.first_name, last_name=contact.last_name, phone=contact.phone)
    return {str(k): "" if v is None else str(v) for k, v in values.items()}


def render(text: str, contact: Any) -> str:
    values = contact_values(contact)
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), ""), text or "")


def missing_placeholders(text: str, known: set[str]) -> list[str]:
    """Placeholders that neither the built-ins nor the account's custom fields provide."""
    return [p for p in placeholders(text) if p not in BUILTIN and p not in known]
