"""Per-recipient short links in campaign texts.

Every ``http://`` or ``https://`` URL in an SMS or WhatsApp text (or a WhatsApp template's
variables) becomes
``SHORT_LINK_BASE/l/<code>`` for each recipient (unless the campaign's ``track_links`` is
off). A URL written with a leading ``!`` (``!https://example.com/terms``) is sent as it is,
without the ``!`` and untracked. Codes are 7 base62 characters from ``secrets``
(62^7 = 3.5e12: not enumerable). Links are created in bulk with the messages
(campaigns/services/materialize.py calls ``take_pending`` and ``save_pending``).
"""

from __future__ import annotations

import re
import secrets
import string
from collections import Counter
from dataclasses import dataclass

from django.conf import settings

from campaigns.models import ShortLink

ALPHABET = string.ascii_letters + string.digits
CODE_LENGTH = 7
TRACKED_CHANNELS = ("sms", "whatsapp")
# A URL runs to the next space or quote; punctuation that ends a sentence is not part of it.
URL = re.compile(r"(!?)(https?://[^\s<>\"']+)", re.I)
TRAILING = ".,;:!?)]}"
PENDING_KEY = "short_links"  # the key a built message row carries its new links under


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def short_url(code: str) -> str:
    return f"{settings.SHORT_LINK_BASE}/l/{code}"


def tracks_links(campaign) -> bool:
    """Whether the campaign's text gets short links (a WhatsApp template's text is the
    provider's, not sent by us: its links are left alone)."""
    if not getattr(campaign, "track_links", True) or campaign.channel not in TRACKED_CHANNELS:
        return False
    return campaign.channel != "whatsapp" or (campaign.content or {}).get("type") != "template"


def _split_trailing(url: str) -> tuple[str, str]:
    stripped = url.rstrip(TRAILING)
    if url.endswith(")") and "(" in stripped:  # keep a balanced parenthesis (Wikipedia-style URLs)
        stripped = url if url.count("(") == url.count(")") else stripped
    return stripped, url[len(stripped) :]


def _replace(text: str, make) -> str:
    """``text`` with each tracked URL replaced by ``make(url)`` and each ``!URL`` unmarked."""

    def one(match: re.Match) -> str:
        url, tail = _split_trailing(match[2])
        if match[1]:
            return url + tail
        return make(url) + tail

    return URL.sub(one, text)


def untracked(text: str) -> str:
    """The text as sent when links are not tracked: only the ``!`` marks removed."""
    return _replace(text, lambda url: url)


def measured(text: str, track: bool = True) -> str:
    """The text with each tracked URL replaced by a short link of the real length (for
    counters, previews and estimates)."""
    return _replace(text, lambda url: short_url("x" * CODE_LENGTH)) if track else untracked(text)


@dataclass
class Shortened:
    text: str
    links: list[tuple[str, str]]  # (code, url)


def shorten(text: str, track: bool = True) -> Shortened:
    """One recipient's text with fresh codes, and the (code, url) pairs to save."""
    if "://" not in text:
        return Shortened(text, [])
    links: dict[str, str] = {}  # url -> code: a URL written twice is one link
    text = _shorten_into(text, track, links)
    return Shortened(text, [(code, url) for url, code in links.items()])


def _shorten_into(text: str, track: bool, links: dict[str, str]) -> str:
    def make(url: str) -> str:
        code = links.setdefault(url, new_code())
        return short_url(code)

    return _replace(text, make) if track else untracked(text)


def is_template(campaign) -> bool:
    return campaign.channel == "whatsapp" and (campaign.content or {}).get("type") == "template"


def shorten_variables(payload: dict, track: bool = True) -> tuple[dict, list[tuple[str, str]]]:
    """A WhatsApp template's variables are our text (the template's own words are the
    provider's): their URLs get this recipient's short links like a text's. Returns the
    payload (a new dict when something changed; ``payload`` itself is shared by rows) and
    the (code, url) pairs to save."""
    variables = payload.get("variables") or []
    if not any(isinstance(v, str) and "://" in v for v in variables):
        return payload, []
    links: dict[str, str] = {}
    changed = [_shorten_into(v, track, links) if isinstance(v, str) else v for v in variables]
    return {**payload, "variables": changed}, [(code, url) for url, code in links.items()]


def take_pending(rows: list[dict]) -> list[list[tuple[str, str]]]:
    """Remove each built row's pending links (aligned with ``rows``) before the rows are
    inserted, after making sure no code is already taken (one query per batch); a taken
    code (about one in a trillion) is replaced in the row's text too."""
    pending = [row.pop(PENDING_KEY, None) or [] for row in rows]
    codes = [code for links in pending for code, _ in links]
    if not codes:
        return pending
    taken = set(ShortLink.objects.filter(code__in=codes).values_list("code", flat=True))
    taken |= {code for code, n in Counter(codes).items() if n > 1}
    for row, links in zip(rows, pending, strict=True):
        for i, (code, url) in enumerate(links):
            if code in taken:
                fresh = new_code()
                row["text"] = row["text"].replace(short_url(code), short_url(fresh))
                _replace_in_variables(row, short_url(code), short_url(fresh))
                links[i] = (fresh, url)
    return pending


def _replace_in_variables(row: dict, old: str, new: str) -> None:
    payload = row.get("payload")
    if isinstance(payload, dict) and payload.get("variables"):
        variables = [v.replace(old, new) if isinstance(v, str) else v for v in payload["variables"]]
        row["payload"] = {**payload, "variables": variables}


def save_pending(pending: list[list[tuple[str, str]]], rows: list[dict]) -> None:
    """Insert the links of inserted message rows (each row has its "id") in bulk."""
    links = [
        ShortLink(
            account_id=row["account_id"],
            campaign_id=row.get("campaign_id"),  # None for a test send: in none of the campaign's figures
            message_id=row["id"],
            contact_id=row.get("contact_id"),
            url=url,
            code=code,
        )
        for row, row_links in zip(rows, pending, strict=True)
        for code, url in row_links
    ]
    if links:
        ShortLink.objects.bulk_create(links, batch_size=2000)
