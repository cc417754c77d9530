"""The one definition of the delivery rate: delivered / final provider outcomes. Cancelled
messages, unsent expiries and messages on their way are in no rate."""

from __future__ import annotations

import pytest

from campaigns.services.rates import rates


@pytest.mark.parametrize(
    ("counts", "expired_unsent", "delivery_rate", "failure_rate", "outcomes"),
    [
        ({}, 0, None, None, 0),
        ({"delivered": 9, "undelivered": 1}, 0, 90.0, 10.0, 10),
        # The screenshot's campaign: 16 delivered, 1 expired, 1 rejected, 563 never sent.
        ({"delivered": 16, "expired": 1, "rejected": 1, "cancelled": 563}, 0, 88.9, 11.1, 18),
        # Still on their way, or of unknown fate: not counted yet.
        ({"delivered": 3, "pending": 5, "queued": 4, "submitted": 3, "sent": 2, "unknown": 7}, 0, 100.0, 0.0, 3),
        ({"delivered": 1, "failed": 1, "rejected": 1, "undelivered": 1}, 0, 25.0, 75.0, 4),
        # Expired by the provider counts; expired before it was sent does not.
        ({"delivered": 8, "expired": 2}, 0, 80.0, 20.0, 10),
        ({"delivered": 8, "expired": 12}, 10, 80.0, 20.0, 10),
        ({"expired": 5}, 5, None, None, 0),
        ({"expired": 5}, 99, None, None, 0),  # never more unsent expiries than expiries
        ({"cancelled": 100}, 0, None, None, 0),
        ({"delivered": 2, "undelivered": 1}, 0, 66.7, 33.3, 3),
    ],
)
def test_rates(counts, expired_unsent, delivery_rate, failure_rate, outcomes):
    figures = rates(counts, expired_unsent)
    assert figures.delivery_rate == delivery_rate
    assert figures.failure_rate == failure_rate
    assert figures.outcomes == outcomes


def test_progress_counts_cancelled_as_done_but_not_as_failed():
    figures = rates({"delivered": 16, "cancelled": 563, "pending": 1, "total": 580})
    assert figures.final == 579 and figures.percent_done == 99 and figures.failed == 0 and figures.cancelled == 563
