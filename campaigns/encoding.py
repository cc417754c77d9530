"""SMS encoding: GSM-7 (with its extension table) or UCS-2, units billed and segments.

A single GSM-7 message holds 160 septets, a concatenated one 153 per segment; UCS-2
holds 70 UTF-16 units, 67 per concatenated segment. An extension character costs two
septets (escape + char) and a character outside the BMP two UTF-16 units (a surrogate
pair); neither pair is ever split across two segments."""

from __future__ import annotations

from dataclasses import dataclass, field

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

LIMITS = {
    "gsm7": (160, 153),
    "ucs2": (70, 67),
}


@dataclass(frozen=True)
class SmsInfo:
    encoding: str  # gsm7 | ucs2
    units: int  # septets for GSM-7, UTF-16 code units for UCS-2: the billed count
    segments: int
    per_segment: int  # capacity of each segment at this length (160/153 or 70/67)
    ucs2_chars: list[str] = field(default_factory=list)  # characters that forced UCS-2

    @property
    def remaining(self) -> int:
        """Units left in the last segment before another one is needed."""
        if self.segments <= 1:
            return LIMITS[self.encoding][0] - self.units
        return self.segments * self.per_segment - self.units

    def as_dict(self) -> dict:
        return {
            "encoding": self.encoding,
            "units": self.units,
            "segments": self.segments,
            "per_segment": self.per_segment,
            "remaining": self.remaining,
            "ucs2_chars": self.ucs2_chars,
        }


def gsm7_cost(char: str) -> int | None:
    """Septets a character takes in GSM-7, or None when GSM-7 cannot carry it."""
    if char in GSM7_BASIC:
        return 1
    if char in GSM7_EXTENSION:
        return 2
    return None


def non_gsm_chars(text: str) -> list[str]:
    seen: dict[str, None] = {}
    for char in text:
        if gsm7_cost(char) is None:
            seen.setdefault(char, None)
    return list(seen)


def utf16_cost(char: str) -> int:
    return 2 if ord(char) > 0xFFFF else 1


def _segments(costs: list[int], single: int, multi: int) -> int:
    """Pack characters into segments without splitting a two-unit character."""
    total = sum(costs)
    if total == 0:
        return 0
    if total <= single:
        return 1
    segments, used = 1, 0
    for cost in costs:
        if used + cost > multi:
            segments, used = segments + 1, 0
        used += cost
    return segments


def analyze(text: str) -> SmsInfo:
    forcing = non_gsm_chars(text)
    encoding = "ucs2" if forcing else "gsm7"
    if encoding == "gsm7":
        costs = [gsm7_cost(c) or 1 for c in text]
    else:
        costs = [utf16_cost(c) for c in text]
    single, multi = LIMITS[encoding]
    segments = _segments(costs, single, multi)
    return SmsInfo(encoding, sum(costs), segments, single if segments <= 1 else multi, forcing)


def gsm7_units(text: str) -> int:
    """Septets of a GSM-7 text (characters GSM-7 cannot carry count as one)."""
    return sum(gsm7_cost(c) or 1 for c in text)
