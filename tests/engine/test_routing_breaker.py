"""The circuit breaker: consecutive connection-level failures take a connection out of
rotation, then one probe decides whether it comes back; the admins hear about it once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import ConnectionHealth, Notice, NoticeKind
from campaigns.services.routing import breaker
from providers.base import ErrorClass, ErrorCode, MessageStatus, ProviderError, SendResult
from tests.conftest import make_connection

BAD_KEY = ProviderError(ErrorCode.AUTH_FAILED, ErrorClass.ACCOUNT, raw_code="INVALID_API_KEY", message="Invalid API key")
DOWN = ProviderError(ErrorCode.NETWORK, ErrorClass.RETRYABLE, message="connection refused")
BAD_NUMBER = ProviderError(ErrorCode.INVALID_NUMBER, ErrorClass.PERMANENT)


def failed(error, n=3):
    return [SendResult(i, MessageStatus.FAILED, error=error) for i in range(n)]


def accepted(n=2):
    return [SendResult(i, MessageStatus.SUBMITTED, provider_message_id=f"p{i}") for i in range(n)]


@pytest.fixture
def connection(world, settings):
    settings.ROUTING_BREAKER_FAILURES = 3
    settings.ROUTING_BREAKER_SECONDS = 60
    return make_connection(world.account, "vt")


def test_it_opens_after_the_threshold_of_failed_calls_and_notifies_once(connection, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert not breaker.record_call(connection.pk, failed(BAD_KEY))
        assert not breaker.record_call(connection.pk, failed(DOWN))
        assert breaker.gate(connection.pk) == "closed"
        assert breaker.record_call(connection.pk, failed(BAD_KEY))

    health = ConnectionHealth.objects.get(connection=connection)
    assert health.state == "open" and health.times_opened == 1 and "auth_failed" in health.last_error
    assert breaker.gate(connection.pk) == "open"
    assert breaker.open_connection_ids([connection.pk]) == {connection.pk}
    notice = Notice.objects.get(kind=NoticeKind.CONNECTION_OUT)
    assert connection.name in notice.title and "Invalid API key" in notice.body


def test_a_success_resets_the_count_and_message_refusals_do_not_count(connection):
    breaker.record_call(connection.pk, failed(BAD_KEY))
    breaker.record_call(connection.pk, failed(BAD_KEY))
    breaker.record_call(connection.pk, accepted())
    breaker.record_call(connection.pk, failed(BAD_NUMBER))  # the numbers' fault, not the connection's
    breaker.record_call(connection.pk, [SendResult(1, MessageStatus.UNKNOWN)])  # may have worked
    breaker.record_call(connection.pk, failed(BAD_KEY))
    assert ConnectionHealth.objects.get(connection=connection).consecutive_failures == 1
    assert breaker.gate(connection.pk) == "closed"


def test_after_the_pause_one_probe_goes_and_its_outcome_decides(connection, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            breaker.record_call(connection.pk, failed(DOWN))
    ConnectionHealth.objects.filter(connection=connection).update(open_until=timezone.now() - timedelta(seconds=1))
    assert breaker.open_connection_ids([connection.pk]) == set()  # the router may plan it again

    assert breaker.gate(connection.pk) == "probe"
    assert breaker.gate(connection.pk) == "open"  # only one caller probes
    with django_capture_on_commit_callbacks(execute=True):
        assert breaker.record_call(connection.pk, failed(DOWN))  # the probe failed: open again at once
    health = ConnectionHealth.objects.get(connection=connection)
    assert health.state == "open" and health.times_opened == 2 and health.open_until > timezone.now()
    assert Notice.objects.filter(kind=NoticeKind.CONNECTION_OUT).count() == 2

    ConnectionHealth.objects.filter(connection=connection).update(open_until=timezone.now() - timedelta(seconds=1))
    assert breaker.gate(connection.pk) == "probe"
    breaker.record_call(connection.pk, accepted())
    health.refresh_from_db()
    assert health.state == "closed" and health.consecutive_failures == 0
    assert breaker.gate(connection.pk) == "closed"
