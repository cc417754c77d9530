"""The message status machine: status only moves forward.

``MAY_BECOME[new]`` lists the statuses a message may hold for ``new`` to replace it, so an
update is one conditional UPDATE (``filter(status__in=MAY_BECOME[new])``): a late "sent"
never overwrites "delivered" and a duplicate report changes nothing.
"""

from __future__ import annotations

from providers.base import MessageStatus as S

FINAL = frozenset({S.DELIVERED, S.UNDELIVERED, S.EXPIRED, S.REJECTED, S.FAILED})
# Statuses that mean "the provider accepted it" (billed for SMS at submit).
ACCEPTED = frozenset({S.SUBMITTED, S.SENT, S.DELIVERED, S.UNDELIVERED, S.EXPIRED, S.REJECTED})

MAY_BECOME: dict[str, frozenset[str]] = {
    S.PENDING: frozenset(),
    S.QUEUED: frozenset({S.PENDING}),
    S.SUBMITTED: frozenset({S.QUEUED, S.UNKNOWN}),
    S.SENT: frozenset({S.QUEUED, S.SUBMITTED, S.UNKNOWN}),
    S.DELIVERED: frozenset({S.QUEUED, S.SUBMITTED, S.SENT, S.UNKNOWN}),
    S.UNDELIVERED: frozenset({S.QUEUED, S.SUBMITTED, S.SENT, S.UNKNOWN}),
    S.EXPIRED: frozenset({S.PENDING, S.QUEUED, S.SUBMITTED, S.SENT, S.UNKNOWN}),
    S.REJECTED: frozenset({S.QUEUED, S.SUBMITTED, S.SENT, S.UNKNOWN}),
    S.FAILED: frozenset({S.PENDING, S.QUEUED, S.UNKNOWN}),
    S.UNKNOWN: frozenset({S.QUEUED}),
}

ORDER = [S.PENDING, S.QUEUED, S.SUBMITTED, S.SENT, S.DELIVERED, S.UNDELIVERED, S.EXPIRED, S.REJECTED, S.FAILED, S.UNKNOWN]


def may_become(current: str, new: str) -> bool:
    return current in MAY_BECOME[new]


def is_final(status: str) -> bool:
    return status in FINAL
