"""Placeholders in message text, strictly.

The whole language is ``{{ field }}`` and ``{{ field|default:"text" }}`` (the text is used
when the contact's field is empty). Fields are the contact's (first_name, last_name, phone)
and the account's custom attributes ({{ city }}). Anything else in braces is a problem that
``problems()`` names: an unknown field, a tag (``{% if %}``), a filter other than default,
an unclosed ``{{``. Launch, the composer and the API refuse text with problems, so
``render()`` only ever meets checked text (it never raises)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

BUILTIN = ("first_name", "last_name", "phone")
OPENING = re.compile(r"\{\{|\{%|\{#")
CLOSING = {"{{": "}}", "{%": "%}", "{#": "#}"}
STRAY_CLOSING = re.compile(r"\}\}|%\}")
NAME = r"[A-Za-z_][A-Za-z0-9_]*"
EXPRESSION = re.compile(rf"""^\s*({NAME})\s*(?:\|\s*default\s*:\s*(?:"([^"]*)"|'([^']*)'))?\s*$""", re.S)
FILTER = re.compile(rf"^\s*{NAME}\s*\|\s*({NAME})")
FALLBACK_HINT = '{{ first_name|default:"friend" }}'


@dataclass(frozen=True)
class Placeholder:
    name: str
    default: str
    source: str
    at: int = 0


@dataclass(frozen=True)
class Parsed:
    parts: tuple[str | Placeholder, ...]
    problems: tuple[tuple[int, str], ...]  # (where in the text, what is wrong)

    @property
    def names(self) -> list[str]:
        return list(dict.fromkeys(p.name for p in self.parts if isinstance(p, Placeholder)))


class PlaceholderError(ValueError):
    """Text whose placeholders cannot be rendered; ``problems`` name each one."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


@lru_cache(maxsize=512)
def parse(text: str) -> Parsed:
    parts: list[str | Placeholder] = []
    problems: list[tuple[int, str]] = []
    pos = 0
    while True:
        opening = OPENING.search(text, pos)
        literal = text[pos : opening.start() if opening else len(text)]
        problems += [(pos, p) for p in _stray_closings(literal)]
        parts.append(literal)
        if opening is None:
            break
        close = CLOSING[opening.group()]
        end = text.find(close, opening.end())
        following = OPENING.search(text, opening.end())
        if end == -1 or (following and following.start() < end):
            stop = following.start() if following else len(text)
            problems.append((opening.start(), f"“{_snippet(text[opening.start() : stop])}” is not closed: end it with {close}."))
            parts.append(text[opening.start() : stop])
            pos = stop
            continue
        source = text[opening.start() : end + 2]
        part, problem = _placeholder(source, text[opening.end() : end], opening.group())
        parts.append(part if isinstance(part, str) else Placeholder(part.name, part.default, source, opening.start()))
        if problem:
            problems.append((opening.start(), problem))
        pos = end + 2
    return Parsed(tuple(p for p in parts if p != ""), tuple(problems))


def _placeholder(source: str, inner: str, opening: str) -> tuple[str | Placeholder, str]:
    """The placeholder the source stands for, else (the source as text, what is wrong with it)."""
    if opening != "{{":
        return source, f"{source} is not supported: only placeholders like {{{{ first_name }}}} or {FALLBACK_HINT} are."
    match = EXPRESSION.match(inner)
    if match:
        return Placeholder(match.group(1), match.group(2) or match.group(3) or "", source), ""
    bad_filter = FILTER.match(inner)
    if bad_filter and bad_filter.group(1) != "default":
        return source, f"{source}: the filter “{bad_filter.group(1)}” is not supported; only default is, as in {FALLBACK_HINT}."
    return source, f"{source} is not a placeholder: write {{{{ field }}}} or {FALLBACK_HINT}."


def _stray_closings(literal: str) -> list[str]:
    match = STRAY_CLOSING.search(literal)
    if not match:
        return []
    opening = "{{" if match.group() == "}}" else "{%"
    return [f"“{_snippet(literal[max(0, match.start() - 20) : match.end()])}” has {match.group()} without {opening} before it."]


def _snippet(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def placeholders(text: str) -> list[str]:
    """The field names the text uses, once each, in order."""
    return parse(text or "").names


def problems(text: str, known: Iterable[str]) -> list[str]:
    """Everything that keeps the text from rendering, as sentences naming the placeholder."""
    parsed = parse(text or "")
    fields = set(known) | set(BUILTIN)
    found = list(parsed.problems)
    for part in parsed.parts:
        if isinstance(part, Placeholder) and part.name not in fields:
            found.append((part.at, _unknown(part, fields)))
    return list(dict.fromkeys(problem for _, problem in sorted(found, key=lambda item: item[0])))


def _unknown(part: Placeholder, fields: set[str]) -> str:
    close = difflib.get_close_matches(part.name, sorted(fields), n=1, cutoff=0.7)
    hint = f" Did you mean {{{{ {close[0]} }}}}?" if close else f" Known fields: {', '.join(sorted(fields))}."
    return f"Unknown placeholder {part.source}: contacts have no field “{part.name}”.{hint}"


def check(text: str, known: Iterable[str]) -> None:
    found = problems(text, known)
    if found:
        raise PlaceholderError(found)


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
    """The text for one contact: each placeholder becomes the field's value, else its default."""
    if not text:
        return ""
    parsed = parse(text)
    if len(parsed.parts) == 1 and isinstance(parsed.parts[0], str):
        return parsed.parts[0]
    values = contact_values(contact)
    return "".join(part if isinstance(part, str) else (values.get(part.name) or part.default) for part in parsed.parts)


def render_fields(text: str, fields: dict[str, Any], attributes: dict | None = None) -> str:
    """``render`` for the send path: the same result as ``render(text, {**fields,
    "attributes": attributes})``, reading only the values the text's placeholders name
    (``render`` converts every attribute of the contact first: a third of its cost)."""
    parts = parse(text).parts if text else ()
    out = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
            continue
        value = fields[part.name] if part.name in fields else (attributes or {}).get(part.name)
        out.append(("" if value is None else str(value)) or part.default)
    return "".join(out)


def render_empty(text: str, phone: str = "") -> str:
    """What the text becomes for a contact whose fields are all empty (defaults show)."""
    return render(text, {"phone": phone})


def account_fields(account_id: int) -> list[str]:
    """Every field a placeholder may name in this account: the built-ins and its custom attributes."""
    from campaigns.models import ContactField

    custom = ContactField.objects.filter(account_id=account_id).values_list("key", flat=True)
    return list(dict.fromkeys([*BUILTIN, *custom]))


def register_fields(account_id: int, keys: Iterable[str]) -> None:
    """Make custom attribute keys known to placeholders (contacts saved with them)."""
    from campaigns.models import ContactField

    wanted = {str(k)[:60] for k in keys if str(k).strip()}
    if not wanted:
        return
    existing = set(ContactField.objects.filter(account_id=account_id, key__in=wanted).values_list("key", flat=True))
    ContactField.objects.bulk_create(
        [ContactField(account_id=account_id, key=k, label=k.replace("_", " ").title()) for k in sorted(wanted - existing)],
        ignore_conflicts=True,
    )


TEMPLATE_SLOT = re.compile(r"\{\{\s*([^{}]+?)\s*\}\}")


def fill_template(body: str, names: list[str], values: list[str]) -> str:
    """A provider template's body (WhatsApp ``{{1}}``, ``{{name}}``) with its variables filled in order."""
    by_name = {str(n): v for n, v in zip(names, values, strict=False)}
    return TEMPLATE_SLOT.sub(lambda m: by_name.get(m.group(1), m.group(0)) or m.group(0), body or "")
