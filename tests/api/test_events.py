"""Outbound events: recorded per matching subscription, signed, retried with backoff for a day."""

from __future__ import annotations

import json
from datetime import timedelta

import httpx
import pytest
import respx
from django.utils import timezone

from campaigns.models import DeliveryAttempt, EventDelivery, EventSubscription
from campaigns.services import events
from campaigns.services.events import BACKOFF, emit_event, emit_events, send_due_deliveries, verify_signature

HOOK = "https://hooks.example.test/portal"


@pytest.fixture
def subscription(world) -> EventSubscription:
    return EventSubscription.objects.create(account=world.account, url=HOOK, events=["message.status", "campaign.finished"])


def test_no_subscription_costs_one_cached_query(world, django_assert_num_queries):
    events.invalidate_subscription_cache(world.account.pk)
    with django_assert_num_queries(1):
        emit_events(world.account.pk, "message.status", [{"message_id": 1}])
    with django_assert_num_queries(0):
        emit_events(world.account.pk, "message.status", [{"message_id": 2}])
    assert not EventDelivery.objects.exists()


def test_unknown_kind_is_refused(world):
    with pytest.raises(ValueError):
        emit_event(world.account.pk, "message.exploded", {})


def test_signed_post_delivered(world, subscription, django_capture_on_commit_callbacks):
    with respx.mock(assert_all_called=True) as mock:
        route = mock.post(HOOK).respond(204)
        with django_capture_on_commit_callbacks(execute=True):
            emit_event(world.account.pk, "message.status", {"message_id": 7, "status": "delivered"})
    request = route.calls.last.request
    body = json.loads(request.content)
    assert body["type"] == "message.status" and body["data"] == {"message_id": 7, "status": "delivered"}
    assert verify_signature(subscription.secret, request.headers["X-Portal-Signature"], request.content)
    assert not verify_signature("whsec_wrong", request.headers["X-Portal-Signature"], request.content)
    assert not verify_signature(subscription.secret, request.headers["X-Portal-Signature"], request.content + b" ")
    delivery = EventDelivery.objects.get()
    assert delivery.status == EventDelivery.Status.DELIVERED and delivery.attempts == 1 and delivery.last_status_code == 204
    assert DeliveryAttempt.objects.get().status_code == 204


def test_only_subscribed_kinds_and_other_accounts_untouched(world, subscription):
    emit_event(world.account.pk, "message.inbound", {"inbound_id": 1})
    emit_event(world.other_account.pk, "message.status", {"message_id": 1})
    assert not EventDelivery.objects.exists()


def test_subaccount_subscription_gets_only_its_events(world):
    EventSubscription.objects.create(account=world.account, subaccount=world.subaccount, url=HOOK, events=["message.status"])
    emit_events(world.account.pk, "message.status", [{"subaccount_id": world.subaccount.pk}, {"subaccount_id": None}])
    assert [d.payload for d in EventDelivery.objects.all()] == [{"subaccount_id": world.subaccount.pk}]


def test_failures_retry_with_backoff_then_give_up_after_a_day(world, subscription, django_capture_on_commit_callbacks):
    with respx.mock() as mock:
        mock.post(HOOK).respond(500)
        with django_capture_on_commit_callbacks(execute=True):
            emit_event(world.account.pk, "campaign.finished", {"campaign_id": 3})
        delivery = EventDelivery.objects.get()
        assert delivery.status == EventDelivery.Status.RETRYING and delivery.attempts == 1
        assert delivery.last_status_code == 500
        assert abs((delivery.next_attempt_at - timezone.now()).total_seconds() - BACKOFF[0]) < 5

        assert send_due_deliveries() == 0  # not due yet
        for _ in range(len(BACKOFF) + 2):
            EventDelivery.objects.filter(pk=delivery.pk, next_attempt_at__isnull=False).update(next_attempt_at=timezone.now())
            send_due_deliveries()
        delivery.refresh_from_db()
    assert delivery.status == EventDelivery.Status.FAILED and delivery.next_attempt_at is None
    assert delivery.attempts == DeliveryAttempt.objects.filter(delivery=delivery).count()
    assert 2 <= delivery.attempts <= len(BACKOFF) + 1


def test_backoff_stops_after_a_day(world, subscription):
    delivery = EventDelivery.objects.create(account=world.account, subscription=subscription, kind="message.status")
    now = timezone.now()
    assert events.next_attempt_time(delivery, 1, now) == now + timedelta(seconds=BACKOFF[0])
    assert events.next_attempt_time(delivery, 1, delivery.created_at + timedelta(hours=23, minutes=59, seconds=30)) is None
    assert events.next_attempt_time(delivery, len(BACKOFF) + 1, now) is None
    assert sum(BACKOFF) <= 24 * 3600


def test_network_error_is_recorded_and_retried(world, subscription, django_capture_on_commit_callbacks):
    with respx.mock() as mock:
        mock.post(HOOK).mock(side_effect=httpx.ConnectError("refused"))
        with django_capture_on_commit_callbacks(execute=True):
            emit_event(world.account.pk, "message.status", {"message_id": 1})
    delivery = EventDelivery.objects.get()
    assert delivery.status == EventDelivery.Status.RETRYING and "refused" in delivery.last_error
    assert DeliveryAttempt.objects.get().status_code is None


def test_claimed_delivery_is_not_sent_twice(world, subscription):
    delivery = EventDelivery.objects.create(
        account=world.account, subscription=subscription, kind="message.status", next_attempt_at=timezone.now()
    )
    assert events._claim(delivery.pk) is not None
    assert events._claim(delivery.pk) is None


def test_old_finished_deliveries_are_purged(world, subscription):
    old = timezone.now() - timedelta(days=31)
    kept = EventDelivery.objects.create(account=world.account, subscription=subscription, kind="message.status", status="retrying")
    done = EventDelivery.objects.create(account=world.account, subscription=subscription, kind="message.status", status="delivered")
    recent = EventDelivery.objects.create(account=world.account, subscription=subscription, kind="message.status", status="failed")
    DeliveryAttempt.objects.create(delivery=done, number=1, status_code=200)
    EventDelivery.objects.filter(pk__in=[kept.pk, done.pk]).update(created_at=old)
    assert events.purge_old_deliveries() == 1
    assert set(EventDelivery.objects.values_list("pk", flat=True)) == {kept.pk, recent.pk}
    assert not DeliveryAttempt.objects.exists()
