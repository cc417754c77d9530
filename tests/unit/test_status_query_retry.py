"""A status query the provider refuses as too soon (429) is asked again, never given up."""

from __future__ import annotations

import pytest

from campaigns.services import reconcile
from providers.base import ErrorClass, ErrorCode, ProviderError, ProviderException


class Backend:
    def __init__(self, refusals: int, code: str = ErrorCode.RATE_LIMITED) -> None:
        self.refusals, self.code, self.calls = refusals, code, 0

    def query_status(self, pairs):
        self.calls += 1
        if self.calls <= self.refusals:
            raise ProviderException(ProviderError(self.code, ErrorClass.RETRYABLE, retry_after=0.01))
        return ["answered"]


def test_a_rate_limited_query_is_asked_again():
    backend = Backend(refusals=2)
    assert reconcile.query_status_paced(backend, [(1, "x")]) == ["answered"]
    assert backend.calls == 3


def test_it_gives_up_after_a_few_refusals_and_other_errors_at_once():
    backend = Backend(refusals=10)
    with pytest.raises(ProviderException):
        reconcile.query_status_paced(backend, [(1, "x")])
    assert backend.calls == reconcile.RATE_LIMIT_RETRIES + 1
    other = Backend(refusals=1, code=ErrorCode.UNKNOWN)
    with pytest.raises(ProviderException):
        reconcile.query_status_paced(other, [(1, "x")])
    assert other.calls == 1
