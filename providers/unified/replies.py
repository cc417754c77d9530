"""The pipe-delimited reply ``<Error_Code>|<destination>|<message_id>``: one entry per
destination, entries separated by commas or new lines. A bare ``<code>`` (no destination)
answers for the whole request; ``code|destination:message_id`` is read too."""

from __future__ import annotations

import re
from dataclasses import dataclass

_SEPARATORS = re.compile(r"[,\r\n]+")


class UnreadableReply(ValueError):
    pass


@dataclass(frozen=True)
class Entry:
    code: str
    destination: str = ""  # digits only
    message_id: str = ""


def digits(number: str) -> str:
    return "".join(ch for ch in number if ch.isdigit())


def parse_entry(part: str) -> Entry:
    fields = [f.strip() for f in part.split("|")]
    code = fields[0]
    if not code.isdigit():
        raise UnreadableReply(f"not a Unified reply code: {part[:100]!r}")
    destination = fields[1] if len(fields) > 1 else ""
    message_id = fields[2] if len(fields) > 2 else ""
    if len(fields) == 2 and ":" in destination:
        destination, message_id = destination.split(":", 1)
    return Entry(code=code, destination=digits(destination), message_id=message_id.strip())


def parse_reply(text: str) -> list[Entry]:
    parts = [p.strip() for p in _SEPARATORS.split(text.strip()) if p.strip()]
    if not parts:
        raise UnreadableReply("empty reply")
    return [parse_entry(p) for p in parts]


def match_entries(destinations: list[str], entries: list[Entry]) -> list[Entry | None]:
    """The entry answering each destination (digits), in the destinations' order.

    Matched by destination first; leftovers are paired in order when their counts agree
    (a reply that reformats the number); a bare code answers for every destination left."""
    by_destination: dict[str, list[Entry]] = {}
    for entry in entries:
        if entry.destination:
            by_destination.setdefault(entry.destination, []).append(entry)
    matched: list[Entry | None] = [by_destination[d].pop(0) if by_destination.get(d) else None for d in destinations]
    leftovers = [e for queue in by_destination.values() for e in queue]
    open_slots = [i for i, m in enumerate(matched) if m is None]
    if leftovers and len(leftovers) == len(open_slots):
        for slot, entry in zip(open_slots, leftovers, strict=True):
            matched[slot] = entry
    bare = next((e for e in entries if not e.destination), None)
    return [m if m is not None else bare for m in matched]
