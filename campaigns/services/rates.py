"""The one definition of each rate a page, the API or an export shows.

Delivery rate = delivered / messages that reached a final provider outcome (delivered,
undelivered, expired by the provider, rejected, failed). Cancelled messages and messages
that expired before they were sent never reached a provider: they are in no rate. Messages
still on their way (pending, queued, submitted, sent) and unknown ones are not counted yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass

from campaigns.status import FAILURES, FINAL, OUTCOMES
from providers.base import MessageStatus as S

DELIVERY_RATE_HELP = (
    "Delivered ÷ messages with a final answer from the provider (delivered, not delivered, expired, rejected, failed). "
    "Cancelled messages, messages that expired before they were sent, and messages still on their way are not counted."
)
FAILURE_RATE_HELP = "Not delivered, expired, rejected or failed ÷ the same messages as the delivery rate."


@dataclass(frozen=True)
class Rates:
    total: int  # every message
    final: int  # nothing more will happen to these (including cancelled and unsent expiries)
    outcomes: int  # reached a final provider outcome: the rates' denominator
    delivered: int
    failed: int  # undelivered + expired by the provider + rejected + failed
    cancelled: int
    expired_unsent: int
    percent_done: int  # final / total, for progress bars
    delivery_rate: float | None  # percent, 1 decimal; None while no message has an outcome
    failure_rate: float | None

    def as_dict(self) -> dict:
        return asdict(self)


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def rates(counts: Mapping[str, int], expired_unsent: int = 0) -> Rates:
    """Every rate from per-status counts. ``expired_unsent`` is how many of the ``expired``
    never reached a provider (the campaign's ``expired_unsent``)."""

    def n(status: str) -> int:
        return int(counts.get(str(status), 0) or 0)

    total = counts.get("total")
    total = int(total) if total is not None else sum(n(s) for s in S)
    unsent = min(max(int(expired_unsent or 0), 0), n(S.EXPIRED))
    outcomes = sum(n(s) for s in OUTCOMES) - unsent
    failed = sum(n(s) for s in FAILURES) - unsent
    final = sum(n(s) for s in FINAL)
    delivered = n(S.DELIVERED)
    return Rates(
        total=total,
        final=final,
        outcomes=outcomes,
        delivered=delivered,
        failed=failed,
        cancelled=n(S.CANCELLED),
        expired_unsent=unsent,
        percent_done=100 * final // total if total else 0,  # floor: 100% only when all are final
        delivery_rate=_percent(delivered, outcomes),
        failure_rate=_percent(failed, outcomes),
    )
