"""Retention: old provider calls, webhook bodies, message and reply texts go (messages are
archived: the rows stay), in small batches; campaign counts and the ledger stay right; the
admin sees the policy."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from campaigns.models import InboundMessage, LedgerEntry, Message, Price
from campaigns.services import retention
from campaigns.services.campaigns import launch
from campaigns.services.counts import campaign_counts
from campaigns.services.ledger import balance, top_up
from campaigns.services.maintenance import SCHEDULES
from campaigns.services.maintenance import retention as retention_task
from providers.models import ProviderCall, WebhookEvent


def age(queryset, field: str, days: int) -> None:
    queryset.update(**{field: timezone.now() - timedelta(days=days)})


@pytest.fixture
def sent_long_ago(world, simulators, draft):
    """A campaign really sent (messages, charges, counts, webhooks, provider calls), then aged 200 days."""
    Price.objects.create(account=world.account, channel="sms", prefix="", amount=Decimal("0.01"))
    top_up(world.account, Decimal("10"))
    draft.connection.set_credentials({"apikey": "acme-key"})
    draft.connection.save()
    launch(draft, world.marketer)
    simulators.deliver(Client())
    draft.refresh_from_db()
    age(Message.objects.filter(campaign=draft), "created_at", 200)
    age(ProviderCall.objects.all(), "created_at", 200)
    age(WebhookEvent.objects.all(), "received_at", 200)
    return draft


def test_old_rows_go_counts_and_ledger_stay(world, sent_long_ago, vt_connection):
    campaign = sent_long_ago
    counts, money, entries = campaign_counts(campaign), balance(world.account), LedgerEntry.objects.count()
    messages = Message.objects.filter(campaign=campaign).count()
    assert counts["delivered"] > 0 and ProviderCall.objects.exists() and WebhookEvent.objects.exists()
    fresh_call = ProviderCall.objects.create(connection=vt_connection, account=world.account, method="POST", url="http://sim.test/x")
    waiting = WebhookEvent.objects.create(connection=vt_connection, account=world.account, provider="vt", method="POST", body=b"{}")
    age(WebhookEvent.objects.filter(pk=waiting.pk), "received_at", 200)  # old but not applied yet: kept
    old_reply = InboundMessage.objects.create(account=world.account, from_number="+923001234567", text="my address is ...", raw={"a": 1})
    age(InboundMessage.objects.filter(pk=old_reply.pk), "received_at", 200)
    new_reply = InboundMessage.objects.create(account=world.account, from_number="+923001234567", text="hello")

    done = retention_task()

    assert done["provider_calls"] > 0 and done["webhook_events"] > 0 and done["message_texts"] == messages
    assert list(ProviderCall.objects.values_list("pk", flat=True)) == [fresh_call.pk]
    assert list(WebhookEvent.objects.values_list("pk", flat=True)) == [waiting.pk]
    assert Message.objects.filter(campaign=campaign).count() == messages
    assert not Message.objects.filter(campaign=campaign).exclude(text="").exists()
    old_reply.refresh_from_db()
    new_reply.refresh_from_db()
    assert (old_reply.text, old_reply.raw, new_reply.text) == ("", {}, "hello")
    assert campaign_counts(campaign) == counts
    assert balance(world.account) == money and LedgerEntry.objects.count() == entries


def test_messages_not_final_keep_their_text(world, vt_connection):
    pending = Message.objects.create(account=world.account, connection=vt_connection, to="+923001234567", text="not sent yet")
    unknown = Message.objects.create(account=world.account, connection=vt_connection, to="+923001234568", text="?", status="unknown")
    done = Message.objects.create(account=world.account, connection=vt_connection, to="+923001234569", text="bye", status="delivered")
    age(Message.objects.all(), "created_at", 400)
    retention.run()
    assert [m.text for m in Message.objects.filter(pk__in=[pending.pk, unknown.pk, done.pk]).order_by("pk")] == ["not sent yet", "?", ""]


def test_deletes_in_batches_within_a_time_budget(world, vt_connection):
    for n in range(7):
        ProviderCall.objects.create(connection=vt_connection, method="GET", url=f"http://sim.test/{n}")
    age(ProviderCall.objects.all(), "created_at", 30)
    assert retention.run(seconds=0)["provider_calls"] == 0  # no time left: nothing done, the next run goes on
    assert retention.run(batch=3)["provider_calls"] == 7
    assert not ProviderCall.objects.exists()


def test_zero_days_keeps_forever(settings, world, vt_connection):
    settings.PROVIDER_CALL_RETENTION_DAYS = 0
    ProviderCall.objects.create(connection=vt_connection, method="GET", url="http://sim.test/")
    age(ProviderCall.objects.all(), "created_at", 5000)
    assert retention.run()["provider_calls"] == 0 and ProviderCall.objects.count() == 1


def test_retention_is_scheduled_hourly():
    assert ("engine: retention", "campaigns.tasks.retention", 60) in SCHEDULES


def test_admin_sees_the_policy(admin_client, settings):
    settings.WEBHOOK_BODY_RETENTION_DAYS = 7
    settings.CLICK_RETENTION_DAYS = 0
    page = admin_client.get("/admin/http-log/").content.decode()
    assert (
        "Retention: provider HTTP calls 14 days; webhook bodies 7 days; message and reply texts 90 days; link clicks kept forever." in page
    )
