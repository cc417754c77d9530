"""campaigns.encoding.analyze with a fast path for the common case, for per-recipient use
on 100k audiences (estimate and message creation)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from functools import lru_cache

from campaigns.encoding import GSM7_BASIC, SmsInfo, analyze

# ASCII characters that are plain one-septet GSM-7 (the extension ones and ` are not).
_PLAIN_ASCII = frozenset(c for c in map(chr, range(128)) if c in GSM7_BASIC)


def sms_info(text: str) -> SmsInfo:
    """Same answer as analyze(text). Texts made only of one-septet ASCII characters (most
    Latin-script texts) need no per-character segment packing: units = len(text)."""
    if text.isascii() and _plain(text):
        units = len(text)
        if units <= 160:
            return SmsInfo("gsm7", units, 1 if units else 0, 160, [])
        return SmsInfo("gsm7", units, math.ceil(units / 153), 153, [])
    return _cached(text)


# The ASCII characters that are not: one regular-expression scan finds any (in C, without
# building a set of each text's characters).
_NOT_PLAIN_ASCII = re.compile("[" + re.escape("".join(c for c in map(chr, range(128)) if c not in _PLAIN_ASCII)) + "]")


def _plain(text: str) -> bool:
    """Whether an ASCII text has only one-septet GSM-7 characters."""
    return _NOT_PLAIN_ASCII.search(text) is None


@lru_cache(maxsize=4096)
def _cached(text: str) -> SmsInfo:
    return analyze(text)


def billed_counter(connection) -> Callable[[str, int], int]:
    """``(text, segments) -> parts`` as the connection's provider bills SMS (most bill the
    GSM 03.38 / UCS-2 count; some have their own character table)."""
    try:
        return connection.backend_class().billed_segments
    except Exception:  # no connection, or its provider is not installed
        return _as_counted


def _as_counted(text: str, segments: int) -> int:
    return segments
