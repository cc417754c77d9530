"""The bulk insert stores every value as the model would: the values that differ between a
page's rows travel in one JSON array on SQLite (and in arrays on PostgreSQL), so each kind
of value (text with quotes and emoji, money, JSON, dates, booleans, nulls) must come back
exactly as it went in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from campaigns.models import Campaign, Message
from campaigns.services.materialize import MessageBuilder, insert_messages
from tests.engine.conftest import add_contacts, make_campaign, numbers


def test_values_that_differ_between_rows_come_back_as_inserted(engine_world):
    contact_list = add_contacts(engine_world.account, numbers(4))
    campaign = make_campaign(engine_world, contact_list)
    Campaign.objects.filter(pk=campaign.pk).update(status="running", started_at=timezone.now())
    builder = MessageBuilder(campaign)
    contacts = list(contact_list.contacts.order_by("pk"))
    rows = [builder.build(c.pk, c.phone, c.first_name, c.last_name, c.attributes) for c in contacts]
    planned = datetime(2031, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)
    variants = [
        {"text": "Quotes \"double\" and 'single', a backslash \\ and é ✓ 🎉", "price": Decimal("0.0125"), "flash": True},
        {"text": '[1, 2] {"not": "json"} null', "price": Decimal("3"), "payload": {"buttons": ["Yes", "No"], "n": 2}},
        {"text": "1234", "contact_id": None, "not_before": planned, "next_attempt_at": planned + timedelta(minutes=5)},
        {"text": "", "price": Decimal("0"), "segments": 7},
    ]
    now = timezone.now()
    for row, changes in zip(rows, variants, strict=True):
        row.update({"not_before": now, "next_attempt_at": None, **changes})  # a key is in every row or in none
    inserted = insert_messages(rows)
    assert [m["id"] for m in inserted] == sorted(m["id"] for m in inserted)
    stored = {m.pk: m for m in Message.objects.filter(pk__in=[m["id"] for m in inserted])}
    assert len(stored) == 4
    for row in inserted:
        message = stored[row["id"]]
        assert message.text == row["text"]
        assert message.price == row["price"]
        assert message.payload == row["payload"]
        assert message.flash is bool(row.get("flash"))
        assert message.contact_id == row["contact_id"]
        assert message.segments == row["segments"]
        assert message.to == row["to"]
        assert message.status == "pending"
    third = stored[inserted[2]["id"]]
    assert third.not_before == planned and third.next_attempt_at == planned + timedelta(minutes=5)
    assert stored[inserted[0]["id"]].next_attempt_at is None
