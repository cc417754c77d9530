"""The message status machine: status only moves forward.

``MAY_BECOME[new]`` lists the statuses a message may hold for ``new`` to replace it, so an
update is one conditional UPDATE (``filter(status__in=MAY_BECOME[new])``): a late "sent"
never overwrites "delivered" and a duplicate report changes nothing.

Two endings are ours, not the provider's: ``cancelled`` (its campaign was cancelled before
the message was handed over) and ``expired`` with the error code ``UNSENT_EXPIRY_CODE``
(not sent before the campaign's expiry). Neither is a failure; see campaigns/services/rates.py.
"""

from __future__ import annotations

from providers.base import MessageStatus as S

# Nothing more will happen to a message in one of these.
FINAL = frozenset({S.DELIVERED, S.UNDELIVERED, S.EXPIRED, S.REJECTED, S.FAILED, S.CANCELLED})
# What a provider (or its refusal) decided: the denominator of the delivery rate (less the
# expiries of messages that were never sent).
OUTCOMES = frozenset({S.DELIVERED, S.UNDELIVERED, S.EXPIRED, S.REJECTED, S.FAILED})
# Outcomes that are failures to deliver (a resend may try these recipients again).
FAILURES = frozenset({S.UNDELIVERED, S.EXPIRED, S.REJECTED, S.FAILED})
# Statuses that mean "the provider accepted it" (billed for SMS at submit).
ACCEPTED = frozenset({S.SUBMITTED, S.SENT, S.DELIVERED, S.UNDELIVERED, S.EXPIRED, S.REJECTED})
# The error code of a message that expired before it was handed to a provider.
UNSENT_EXPIRY_CODE = "not_sent_before_expiry"

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
    # Only what was never claimed: a queued message may be at the provider already.
    S.CANCELLED: frozenset({S.PENDING}),
}

ORDER = [
    S.PENDING,
    S.QUEUED,
    S.SUBMITTED,
    S.SENT,
    S.DELIVERED,
    S.UNDELIVERED,
    S.EXPIRED,
    S.REJECTED,
    S.FAILED,
    S.UNKNOWN,
    S.CANCELLED,
]

# Words for people (tiles, filters, badges, charts); the codes stay in the API and CSV.
LABELS = {
    S.PENDING: "Pending",
    S.QUEUED: "Queued",
    S.SUBMITTED: "Submitted",
    S.SENT: "Sent",
    S.DELIVERED: "Delivered",
    S.UNDELIVERED: "Not delivered",
    S.EXPIRED: "Expired",
    S.REJECTED: "Rejected",
    S.FAILED: "Failed",
    S.UNKNOWN: "Unknown",
    S.CANCELLED: "Cancelled",
}


def may_become(current: str, new: str) -> bool:
    return current in MAY_BECOME[new]


def is_final(status: str) -> bool:
    return status in FINAL


def label(status: str) -> str:
    return LABELS.get(status, str(status).replace("_", " ").capitalize())
