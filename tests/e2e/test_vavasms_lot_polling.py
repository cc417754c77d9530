"""VavaSMS pushes no delivery reports: its statuses are asked by lot id (one request per
lot, not per message), less often as the lot ages, and no more once every message is final."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from campaigns.models import BatchPoll, Message
from campaigns.services.polling import poll_batches, wait_after
from tests.e2e.conftest import compose, run

RECIPIENTS = 100  # one lot: VavaSMS takes 100 phones per request


def status_requests(demo) -> list:
    return [r for r in demo.transport.to("vavasms") if r.url.path.endswith("/text/status")]


def test_one_request_per_lot_backing_off_until_final(demo, settings):
    settings.ENGINE_POLL_AFTER_SECONDS = 30
    vava = demo.simulators["vavasms"]
    vava.delay = 3600  # VavaSMS says "sent" for now
    numbers = [f"+22507000{i:05d}" for i in range(1, RECIPIENTS + 1)]
    campaign = compose(
        demo,
        {"name": "Lots", "channel": "sms", "connection": demo.connections["vavasms"].pk},
        sender=demo.senders["sms"],
        content={"text": "Hello"},
        numbers=numbers,
        list_name="Lots",
    )
    run(demo, campaign)
    [poll] = BatchPoll.objects.all()
    start = poll.next_poll_at

    poll_batches(now=start)
    poll_batches(now=start + wait_after(1) - timedelta(seconds=1))  # not due yet

    [first] = status_requests(demo)
    assert b"lot_id=LOT-" in first.content and b"message_id" not in first.content
    assert set(Message.objects.filter(campaign=campaign).values_list("status", flat=True)) == {"sent"}

    vava.delay = 0  # the handsets got them
    poll_batches(now=start + wait_after(1))
    poll_batches(now=timezone.now() + timedelta(days=1))  # final: never asked again

    assert len(status_requests(demo)) == 2
    final = Message.objects.filter(campaign=campaign).values_list("status", flat=True)
    assert set(final) <= {"delivered", "undelivered", "expired", "rejected"} and "delivered" in set(final)
    assert BatchPoll.objects.get().done


def test_waits_grow_with_age_up_to_an_hour(settings):
    settings.ENGINE_POLL_AFTER_SECONDS = 30
    assert [wait_after(n).total_seconds() for n in range(4)] == [30, 60, 120, 240]
    assert wait_after(20) == timedelta(hours=1)
