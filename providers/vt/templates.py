"""WhatsApp template sync (/wa/sync) replies -> RemoteTemplate.

The document names the endpoint but does not print its reply, so this accepts:
- a JSON list of templates, or an object holding that list under TEMPLATES, DATA, RESULT
  or MESSAGE (any case), next to an optional STATUS;
- per template (any key case): id | template_id | templateId; name | template_name |
  elementName; body | text | content | template_body, or Meta-style ``components``
  (BODY text, HEADER format IMAGE/VIDEO/DOCUMENT); language | lang (a string or
  {"code": ..}); status; category; variables | templateVariables (else the {{1}} / {{name}}
  placeholders of the body); media | has_media | mediaUrl | header_type for a media header.
Entries without an id are skipped.
"""

from __future__ import annotations

import re
from typing import Any

from providers.base import Channel, RemoteTemplate

LIST_KEYS = ("templates", "data", "result", "message")
MEDIA_FORMATS = frozenset({"image", "video", "document", "audio"})
PLACEHOLDER = re.compile(r"\{\{\s*([\w.]+)\s*\}\}")


def template_list(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, dict):
        lowered = {str(k).lower(): v for k, v in data.items()}
        data = next((lowered[k] for k in LIST_KEYS if isinstance(lowered.get(k), list)), [])
    if not isinstance(data, list):
        return []
    return [{str(k).lower(): v for k, v in item.items()} for item in data if isinstance(item, dict)]


def remote_templates(data: Any) -> list[RemoteTemplate]:
    found = []
    for item in template_list(data):
        template = to_remote(item)
        if template is not None:
            found.append(template)
    return found


def to_remote(item: dict[str, Any]) -> RemoteTemplate | None:
    template_id = first(item, "id", "template_id", "templateid")
    if not template_id:
        return None
    body = first(item, "body", "text", "content", "template_body") or component_text(item, "body")
    return RemoteTemplate(
        provider_template_id=template_id,
        name=first(item, "name", "template_name", "elementname") or template_id,
        channel=Channel.WHATSAPP,
        body=body,
        variables=variables(item, body),
        language=language(item.get("language") or item.get("lang")),
        status=first(item, "status").lower(),
        category=first(item, "category").lower(),
        media=has_media(item),
    )


def first(item: dict[str, Any], *keys: str) -> str:
    for key in keys:
        value = item.get(key)
        if value not in (None, "") and not isinstance(value, dict | list):
            return str(value).strip()
    return ""


def components(item: dict[str, Any]) -> list[dict[str, Any]]:
    value = item.get("components")
    if not isinstance(value, list):
        return []
    return [{str(k).lower(): v for k, v in c.items()} for c in value if isinstance(c, dict)]


def component_text(item: dict[str, Any], kind: str) -> str:
    for component in components(item):
        if str(component.get("type", "")).lower() == kind:
            return str(component.get("text") or "")
    return ""


def variables(item: dict[str, Any], body: str) -> list[str]:
    explicit = item.get("variables") or item.get("templatevariables")
    if isinstance(explicit, list):
        return [str(v) for v in explicit]
    return list(dict.fromkeys(PLACEHOLDER.findall(body)))


def language(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("code") or value.get("policy") or ""
    return str(value or "")


def has_media(item: dict[str, Any]) -> bool:
    for key in ("media", "has_media", "mediaurl"):
        value = item.get(key)
        if isinstance(value, str):
            if value.strip().lower() in ("1", "true", "yes") or value.startswith("http"):
                return True
        elif value:
            return True
    header_type = first(item, "header_type", "headertype").lower()
    header_formats = {str(c.get("format", "")).lower() for c in components(item) if str(c.get("type", "")).lower() == "header"}
    return header_type in MEDIA_FORMATS or bool(header_formats & MEDIA_FORMATS)
