"""Delivery reports are never lost: a report that arrives before its message's provider id
is recorded is held, then applied exactly once when the id is recorded, by the periodic
retry, or by adoption (one `unknown` message of that connection and destination)."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from campaigns.models import LedgerEntry, Message
from campaigns.services.counts import account_counts
from campaigns.services.held_reports import retry_held
from campaigns.services.messaging import send_single
from providers.models import HeldReport, WebhookEvent
from tests.engine.conftest import post_hook


def overtake_with(sim, client, conn, status: str = "delivered") -> list[dict]:
    """Make the simulator post each message's report to our webhook before it answers
    the send call: the report overtakes its own submission."""
    original = sim.handle
    posted: list[dict] = []

    def handle(request):
        response = original(request)
        if request.path == "/send":
            for item in json.loads(response.body)["results"]:
                if "id" in item:
                    report = {"id": item["id"], "status": status}
                    assert post_hook(client, conn, {"statuses": [report]}).status_code == 200
                    posted.append(report)
        return response

    sim.handle = handle
    return posted


def test_report_that_overtakes_its_submission_is_applied_once(fake_provider, client, world):
    conn, sim = fake_provider
    posted = overtake_with(sim, client, conn)
    message = send_single(account=world.account, connection=conn, channel="sms", to="+923001234517", text="hi")
    assert len(posted) == 1
    message.refresh_from_db()
    assert message.status == "delivered" and message.provider_message_id == posted[0]["id"]
    event = WebhookEvent.objects.get()
    assert event.outcome == "applied"  # it was held while the send call was still open
    assert not HeldReport.objects.exists()
    counts = account_counts(world.account)
    assert counts["delivered"] == 1 and counts["submitted"] == 0 and counts["queued"] == 0
    assert message.cost == message.price * message.segments > 0
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.CHARGE).count() == 1  # charged once
    assert retry_held() == 0  # nothing left to apply a second time


def test_held_report_waits_for_its_message_and_is_retried(fake_provider, client, world):
    conn, _ = fake_provider
    message = send_single(account=world.account, connection=conn, channel="sms", to="+923001234517", text="hi")
    message.refresh_from_db()
    pid = message.provider_message_id
    # The id was recorded elsewhere after the report came (another worker): the retry finds it.
    Message.objects.filter(pk=message.pk).update(provider_message_id="")
    post_hook(client, conn, {"statuses": [{"id": pid, "status": "delivered"}]})
    assert HeldReport.objects.count() == 1
    Message.objects.filter(pk=message.pk).update(provider_message_id=pid)
    assert retry_held(recent_only=True) == 1
    message.refresh_from_db()
    assert message.status == "delivered"
    assert WebhookEvent.objects.get().outcome == "applied"
    assert not HeldReport.objects.exists()


def unknown_message(world, conn, to: str, *, queued_ago: timedelta = timedelta(minutes=1)) -> Message:
    """A message whose worker died during the call: `unknown`, no provider id."""
    message = Message.objects.create(
        account=world.account,
        connection=conn,
        channel="sms",
        to=to,
        text="hi",
        status="unknown",
        price=Decimal("0.02"),
        segments=1,
        queued_at=timezone.now() - queued_ago,
    )
    from campaigns.models import StatusCount

    StatusCount.objects.create(account=world.account, campaign=None, status="unknown", count=1)
    return message


def test_report_adopts_the_single_unknown_message_of_its_destination_and_charges_it(fake_provider, client, world):
    conn, _ = fake_provider
    message = unknown_message(world, conn, "+923001234517")
    world.account.refresh_from_db()
    balance = world.account.balance
    post_hook(client, conn, {"statuses": [{"id": "f-lost-1", "status": "delivered", "to": "923001234517"}]})
    # The apply task held it, then adopted it on its way out (the tick would, too).
    assert retry_held() == 0
    message.refresh_from_db()
    assert message.status == "delivered" and message.provider_message_id == "f-lost-1"
    assert message.cost == Decimal("0.02")  # accepted after all: charged now
    assert not HeldReport.objects.exists()
    world.account.refresh_from_db()
    assert balance - world.account.balance == Decimal("0.02")


def test_two_unknown_messages_to_one_destination_adopt_nothing(fake_provider, client, world):
    conn, _ = fake_provider
    first = unknown_message(world, conn, "+923001234517")
    second = unknown_message(world, conn, "+923001234517", queued_ago=timedelta(minutes=2))
    post_hook(client, conn, {"statuses": [{"id": "f-lost-1", "status": "delivered", "to": "+923001234517"}]})
    assert retry_held() == 0
    assert {m.status for m in Message.objects.filter(pk__in=[first.pk, second.pk])} == {"unknown"}
    assert HeldReport.objects.count() == 1  # still kept: a status query may tell later


def test_report_outside_the_window_or_on_another_connection_adopts_nothing(fake_provider, client, world):
    conn, _ = fake_provider
    from tests.conftest import make_connection

    other = make_connection(world.account, "fake", base_url="http://fake.test/fake", credentials={"key": "k3"}, name="second")
    old = unknown_message(world, conn, "+923001234517", queued_ago=timedelta(days=2))
    elsewhere = unknown_message(world, other, "+923001234518")
    post_hook(client, conn, {"statuses": [{"id": "a", "status": "delivered", "to": "+923001234517"}]})
    post_hook(client, conn, {"statuses": [{"id": "b", "status": "delivered", "to": "+923001234518"}]})
    assert retry_held() == 0
    assert {m.status for m in Message.objects.filter(pk__in=[old.pk, elsewhere.pk])} == {"unknown"}
