"""A message's account, campaign, contact and connection are not checked by the database
(their checks were most of an insert's cost); deleting any of them still cascades, nulls or
protects as the model says, through Django, and leaves no message pointing nowhere."""

from __future__ import annotations

import pytest
from django.db import connection as database
from django.db.models import ProtectedError

from campaigns.models import Campaign, Contact, Message
from campaigns.services.materialize import materialize
from providers.models import ProviderConnection
from tests.engine.conftest import add_contacts, make_campaign, numbers

UNCHECKED = {"account_id", "campaign_id", "contact_id", "connection_id"}


def _materialized(engine_world, count: int = 3, start: int = 0) -> Campaign:
    recipients = add_contacts(engine_world.account, numbers(count, start), list_name=f"From {start}")
    campaign = make_campaign(engine_world, recipients)
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.RUNNING)
    campaign.refresh_from_db()
    assert materialize(campaign) == count
    return campaign


def _checked_columns() -> set[str]:
    with database.cursor() as cursor:
        constraints = database.introspection.get_constraints(cursor, Message._meta.db_table)
    return {column for c in constraints.values() if c["foreign_key"] for column in c["columns"]}


def test_only_the_hot_parents_go_unchecked_and_the_contact_keeps_its_index(db):
    checked = _checked_columns()
    assert not checked & UNCHECKED
    assert {"subaccount_id", "test_of_id", "variant_id", "route_id"} <= checked
    with database.cursor() as cursor:
        constraints = database.introspection.get_constraints(cursor, Message._meta.db_table)
    assert any(c["index"] and c["columns"] == ["contact_id"] for c in constraints.values())


def test_deleting_a_contact_keeps_its_messages_without_it(engine_world):
    campaign = _materialized(engine_world)
    gone = Contact.objects.filter(account=engine_world.account).order_by("pk").first()
    gone_pk = gone.pk
    gone.delete()
    assert Message.objects.filter(campaign=campaign).count() == 3
    assert Message.objects.filter(campaign=campaign, contact__isnull=True).count() == 1
    assert not Message.objects.filter(contact_id=gone_pk).exists()


def test_a_connection_that_carried_messages_cannot_be_deleted(engine_world):
    campaign = _materialized(engine_world)
    with pytest.raises(ProtectedError):
        ProviderConnection.objects.get(pk=campaign.connection_id).delete()
    assert Message.objects.filter(campaign=campaign).count() == 3


def test_deleting_a_campaign_takes_its_messages(engine_world):
    campaign = _materialized(engine_world)
    other = _materialized(engine_world, count=2, start=100)
    Campaign.objects.get(pk=campaign.pk).delete()
    assert not Message.objects.filter(campaign_id=campaign.pk).exists()
    assert Message.objects.filter(campaign=other).count() == 2
