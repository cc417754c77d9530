"""Resend to the failed: the number offered is exactly who it sends to (failed, undelivered,
expired, rejected; minus opted-out and invalid numbers; each contact once); the audience is
a specification on the new draft, resolved at launch, and no list is made."""

from __future__ import annotations

import pytest

from campaigns.models import Campaign, Contact, ContactList, Message, Suppression
from campaigns.services.campaigns import CampaignStateError, launch
from campaigns.services.resend import create_resend, resend_summary
from tests.engine.conftest import add_contacts, make_campaign

OUTCOMES = {
    "+923001234511": "delivered",
    "+923001234512": "undelivered",
    "+923001234513": "failed",
    "+923001234514": "rejected",
    "+923001234515": "expired",
    "+923001234516": "cancelled",  # never sent: not a failure, not resent
    "+923001234517": "pending",
    "+923001234518": "undelivered",  # opts out afterwards
    "+9230": "failed",  # an invalid number
}


@pytest.fixture
def finished(engine_world) -> Campaign:
    contact_list = add_contacts(engine_world.account, list(OUTCOMES), first_name="Ann")
    campaign = make_campaign(engine_world, contact_list, status="completed")
    for contact in Contact.objects.filter(account=engine_world.account):
        Message.objects.create(
            account=engine_world.account,
            campaign=campaign,
            contact=contact,
            connection=engine_world.connection,
            to=contact.phone,
            status=OUTCOMES[contact.phone],
        )
    # A campaign holds one message per contact (constraint message_campaign_contact); a failed
    # test send of it to a contact is not one of its messages and is not resent.
    again = Contact.objects.get(phone="+923001234512")
    Message.objects.create(
        account=engine_world.account, test_of=campaign, contact=again, connection=engine_world.connection, to=again.phone, status="failed"
    )
    Suppression.objects.create(account=engine_world.account, phone="+923001234518", reason="opt_out")
    return campaign


def test_the_offer_counts_exactly_who_it_will_send_to(finished):
    summary = resend_summary(finished)
    assert summary.total == 6  # failed messages of known contacts (not the test send)
    assert (summary.suppressed, summary.invalid, summary.duplicate) == (1, 1, 0)
    assert summary.recipients == 4


def test_the_draft_stores_a_specification_and_makes_no_list(finished, engine_world, simulators):
    lists_before = ContactList.objects.count()
    draft = create_resend(finished, engine_world.marketer)
    assert ContactList.objects.count() == lists_before
    assert draft.status == "draft" and draft.audience == {
        "resend_of": finished.pk,
        "statuses": ["undelivered", "expired", "rejected", "failed"],
    }

    launch(draft, engine_world.marketer)

    sent_to = set(Message.objects.filter(campaign=draft).values_list("to", flat=True))
    assert sent_to == {"+923001234512", "+923001234513", "+923001234514", "+923001234515"}
    draft.refresh_from_db()
    assert draft.recipients == 4 and draft.dropped_suppressed == 1 and draft.dropped_invalid == 1


def test_the_specification_is_resolved_at_launch_not_at_the_offer(finished, engine_world, simulators):
    draft = create_resend(finished, engine_world.marketer)
    Suppression.objects.create(account=engine_world.account, phone="+923001234513", reason="opt_out")  # opts out meanwhile
    launch(draft, engine_world.marketer)
    assert not Message.objects.filter(campaign=draft, to="+923001234513").exists()
    assert Message.objects.filter(campaign=draft).count() == 3


def test_nothing_to_resend_is_refused_clearly(engine_world):
    campaign = make_campaign(engine_world, add_contacts(engine_world.account, ["+923001234511"]), status="completed")
    with pytest.raises(CampaignStateError, match="No recipient to resend to"):
        create_resend(campaign)


def test_another_accounts_campaign_is_never_resolved(finished, world):
    from campaigns.services.audience import audience_summary

    spec = {"resend_of": finished.pk, "statuses": ["failed", "undelivered"]}
    assert audience_summary(world.other_account, spec).recipients == 0
