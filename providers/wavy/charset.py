"""How Wavy bills a text ("Accents & Special Characters", "Long Texts").

Wavy's table of 160-character characters is printable ASCII, not GSM 03.38: an accented
letter (á, é, ç, common in Portuguese) makes the whole message bill per 70 characters, while
{ } ~ \\ ^ count as one character each. The document's table lost " ' [ ] | in extraction (its
layout is the ASCII chart 0x20-0x7E), so they are taken as in it. Concatenated parts lose room
to the header: 153 / 67 characters per part."""

from __future__ import annotations

from dataclasses import dataclass

BASIC = frozenset(chr(c) for c in range(0x20, 0x7F)) | {"\n", "\r"}
SINGLE = {"basic": 160, "unicode": 70}
PART = {"basic": 153, "unicode": 67}


@dataclass(frozen=True)
class Billing:
    charset: str  # basic | unicode
    characters: int
    segments: int
    special: tuple[str, ...]  # the characters that made it unicode


def billing(text: str) -> Billing:
    special = () if _all_basic(text) else tuple(dict.fromkeys(ch for ch in text if ch not in BASIC))
    charset = "unicode" if special else "basic"
    length = len(text)
    if length <= SINGLE[charset]:
        segments = 1 if length else 0
    else:
        segments = -(-length // PART[charset])
    return Billing(charset, length, segments, special)


def _all_basic(text: str) -> bool:
    """Printable ASCII and line breaks only, checked in C (message creation asks this per
    recipient: the per-character loop cost ~25 us a text)."""
    if not text.isascii():
        return False
    return text.isprintable() or text.replace("\n", "").replace("\r", "").isprintable()
