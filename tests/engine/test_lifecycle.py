"""Duplicate, resend the failed, test send to oneself, single sends."""

from __future__ import annotations

import pytest

from campaigns.models import Campaign, Message
from campaigns.services.campaigns import duplicate, launch, send_test
from campaigns.services.counts import campaign_counts
from campaigns.services.messaging import SendError, send_single
from campaigns.services.resend import create_resend
from tests.engine.conftest import add_contacts, make_campaign


def test_duplicate_copies_the_draft(engine_world):
    campaign = make_campaign(engine_world, add_contacts(engine_world.account, ["+923001234517"]))
    copy = duplicate(campaign, engine_world.marketer)
    assert copy.pk != campaign.pk and copy.status == "draft" and copy.name == "Copy of Spring sale"
    assert (copy.text, copy.audience, copy.sender_id, copy.connection_id) == (
        campaign.text,
        campaign.audience,
        campaign.sender_id,
        campaign.connection_id,
    )


def test_resend_failed_targets_only_the_failed(engine_world, simulators, client):
    numbers = ["+923001234517", "+923001234529", "+923001230000"]  # delivered, undelivered, refused
    campaign = make_campaign(engine_world, add_contacts(engine_world.account, numbers))
    launch(campaign)
    simulators.deliver(client)
    retry = create_resend(campaign, engine_world.marketer)
    assert retry.status == "draft"
    from campaigns.services.audience import audience_summary

    assert audience_summary(engine_world.account, retry.audience).recipients == 2


def test_send_test_is_not_counted_in_the_campaign(engine_world, simulators):
    campaign = make_campaign(engine_world, add_contacts(engine_world.account, ["+923001234517"]), text="Hi {{ first_name }}!")
    message = send_test(campaign, "+923001234999", engine_world.marketer)
    message.refresh_from_db()
    assert message.campaign_id is None and message.status == "submitted" and message.text == "Hi !"
    assert campaign_counts(campaign)["total"] == 0
    assert Campaign.objects.get(pk=campaign.pk).status == "draft"


def test_send_single_rejects_bad_input(engine_world):
    with pytest.raises(SendError, match="not a phone number"):
        send_single(account=engine_world.account, connection=engine_world.connection, channel="sms", to="hello", text="x")
    with pytest.raises(SendError, match="empty"):
        send_single(account=engine_world.account, connection=engine_world.connection, channel="sms", to="+923001234517", text=" ")
    with pytest.raises(SendError, match="does not send"):
        send_single(account=engine_world.account, connection=engine_world.connection, channel="ussd", to="+923001234517", text="x")
    assert not Message.objects.exists()


def test_idempotency_key_returns_the_same_message(engine_world, simulators):
    kw = {"account": engine_world.account, "connection": engine_world.connection, "channel": "sms", "to": "+923001234517", "text": "x"}
    first = send_single(**kw, idempotency_key="abc")
    second = send_single(**kw, idempotency_key="abc")
    assert first.pk == second.pk and Message.objects.count() == 1
    assert simulators["vt"].stats()["submissions"] == 1
