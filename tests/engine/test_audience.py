"""Audience resolution: lists minus excluded lists, suppressed, invalid and duplicate
numbers dropped and counted, messages created in bulk."""

from __future__ import annotations

from campaigns.models import Contact, Message, Suppression
from campaigns.services.audience import audience_summary
from campaigns.services.counts import campaign_counts
from campaigns.services.materialize import materialize
from tests.engine.conftest import add_contacts, make_campaign


def build(world):
    a = add_contacts(world.account, ["+923001000011", "+923001000012", "+923001000013", "+923001000014"], "A")
    b = add_contacts(world.account, ["+923001000013", "+923001000014", "+923001000015"], "B")  # two shared with A
    excluded = add_contacts(world.account, ["+923001000015"], "VIP")
    Suppression.objects.create(account=world.account, phone="+923001000012")
    bad = Contact.objects.create(account=world.account, phone="0300-BAD")
    a.contacts.add(bad)
    return {"lists": [a.pk, b.pk], "exclude_lists": [excluded.pk]}


def test_summary_counts_every_reason(engine_world):
    spec = build(engine_world)
    summary = audience_summary(engine_world.account, spec)
    assert summary.total == 8  # memberships: 5 in A (with the bad number) + 3 in B
    assert summary.duplicate == 2
    assert summary.excluded == 1
    assert summary.suppressed == 1
    assert summary.invalid == 1
    assert summary.recipients == 3  # ...11, ...13, ...14


def test_other_accounts_lists_are_ignored(engine_world):
    other = add_contacts(engine_world.other_account, ["+923001000099"], "Theirs")
    assert audience_summary(engine_world.account, {"lists": [other.pk]}).recipients == 0
    assert audience_summary(engine_world.account, {"lists": ["junk", None]}).recipients == 0


def test_materialize_creates_pending_messages_and_counts_drops(engine_world):
    spec = build(engine_world)
    campaign = make_campaign(engine_world, None, audience=spec, text="Hi {{ first_name }}{{ city }}")
    created = materialize(campaign)
    campaign.refresh_from_db()
    assert created == 3
    assert sorted(Message.objects.filter(campaign=campaign).values_list("to", flat=True)) == [
        "+923001000011",
        "+923001000013",
        "+923001000014",
    ]
    assert (campaign.recipients, campaign.dropped_suppressed, campaign.dropped_invalid, campaign.dropped_duplicate) == (3, 1, 1, 2)
    assert campaign_counts(campaign)["pending"] == 3
    message = Message.objects.filter(campaign=campaign).first()
    assert message.text == "Hi " and message.segments == 1 and message.encoding == "gsm7" and str(message.price) == "0.02000"
    assert materialize(campaign) == 0  # a restarted start task creates nobody twice
    assert campaign_counts(campaign)["pending"] == 3
