"""The pipeline end to end against the VT simulator: launch -> start -> batches ->
submitted -> delivery reports through the webhook -> final counts and money."""

from __future__ import annotations

from decimal import Decimal

from campaigns.models import Account, LedgerEntry, Message
from campaigns.services.campaigns import launch
from campaigns.services.counts import campaign_counts
from campaigns.services.ledger import ledger_sum
from providers.models import ProviderCall
from tests.engine.conftest import add_contacts, make_campaign


def test_campaign_runs_to_final_counts(engine_world, simulators, client):
    numbers = [f"+9230000001{i}" for i in range(10)] + ["+923000000029", "+923000000027", "+923000000028"]
    contact_list = add_contacts(engine_world.account, numbers, first_name="Ann")
    campaign = make_campaign(engine_world, contact_list)

    launch(campaign, engine_world.marketer)

    campaign.refresh_from_db()
    counts = campaign_counts(campaign)
    assert counts["submitted"] == 13, counts
    assert simulators["vt"].stats()["submissions"] == 13
    assert Message.objects.filter(campaign=campaign).exclude(provider_message_id="").count() == 13
    assert Message.objects.get(campaign=campaign, to=numbers[0]).text == "Hello Ann, spring sale!"

    codes = simulators.deliver(client)
    assert codes and set(codes) == {200}
    campaign.refresh_from_db()
    counts = campaign_counts(campaign)
    assert counts["delivered"] == 10, counts
    assert counts["undelivered"] == 1 and counts["rejected"] == 1 and counts["expired"] == 1
    assert counts["pending"] == counts["queued"] == counts["submitted"] == 0
    assert campaign.status == "completed"
    account = Account.objects.get(pk=engine_world.account.pk)
    assert account.balance == Decimal("100") - Decimal("0.02") * 13
    assert account.balance == ledger_sum(account)
    assert account.reserved == 0
    assert LedgerEntry.objects.filter(campaign=campaign, kind="charge").exists()
    assert ProviderCall.objects.filter(connection=engine_world.connection).count() == 13
