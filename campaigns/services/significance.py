"""Is the difference between two rates chance? A two-proportion z-test, in pure Python,
and what its p-value means in words a marketer reads."""

from __future__ import annotations

import math

CONFIDENT_AT = 0.05  # a p-value at or under this: "confident this is not chance" (95%)


def normal_cdf(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def two_proportion_p_value(successes_a: int, trials_a: int, successes_b: int, trials_b: int) -> float | None:
    """Two-sided p-value of "both proportions are equal" (pooled z-test); None without trials."""
    if trials_a <= 0 or trials_b <= 0:
        return None
    rate_a, rate_b = successes_a / trials_a, successes_b / trials_b
    pooled = (successes_a + successes_b) / (trials_a + trials_b)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / trials_a + 1 / trials_b))
    if spread == 0:  # every trial succeeded, or none did: the rates are equal
        return 1.0
    z = (rate_a - rate_b) / spread
    return max(0.0, min(1.0, 2 * (1 - normal_cdf(abs(z)))))


def confidence_words(leader: str, other: str, p_value: float | None) -> str:
    """ "B beats A: 95% confident this is not chance" or why it is too close to call."""
    if p_value is None:
        return f"{leader} vs {other}: no results to compare yet"
    confidence = (1 - p_value) * 100
    shown = "over 99.9" if confidence > 99.9 else f"{math.floor(confidence)}"
    if p_value <= CONFIDENT_AT:
        return f"{leader} beats {other}: {shown}% confident this is not chance"
    if p_value >= 0.999:
        return f"{leader} and {other}: no difference so far"
    return f"{leader} vs {other}: too close to call yet (only {shown}% confident)"


def is_significant(p_value: float | None) -> bool:
    return p_value is not None and p_value <= CONFIDENT_AT
