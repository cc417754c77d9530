"""Messages take their contacts' looked-up networks after the start (the network breakdown)."""

from __future__ import annotations

from campaigns.models import Campaign, Contact, Message
from campaigns.services.carrier import fill_message_networks
from campaigns.services.materialize import materialize
from tests.engine.conftest import add_contacts, make_campaign, numbers


def test_messages_take_the_networks_their_contacts_have(engine_world):
    campaign = make_campaign(engine_world, add_contacts(engine_world.account, numbers(5)))
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.RUNNING)
    campaign.refresh_from_db()
    materialize(campaign)
    assert fill_message_networks(campaign.pk) == 0  # no network known in the account yet

    looked_up = Contact.objects.filter(account=engine_world.account).order_by("pk").first()
    looked_up.network = "Jazz"
    looked_up.save()
    assert fill_message_networks(campaign.pk) == 1
    assert list(Message.objects.filter(campaign=campaign).exclude(network="").values_list("contact_id", "network")) == [
        (looked_up.pk, "Jazz")
    ]
