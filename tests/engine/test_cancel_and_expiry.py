"""Messages a provider never received end `cancelled` (the campaign was cancelled) or
`expired` with that reason (the campaign's expiry came first): never `failed`, in no rate.
The count rows stay equal to a COUNT(*) by status; the money held for them is released."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.db.models import Sum
from django.utils import timezone

from campaigns.models import Account, Campaign, Message, StatusCount
from campaigns.services import pipeline
from campaigns.services.campaigns import cancel, launch
from campaigns.services.counts import campaign_counts
from campaigns.services.ledger import ledger_sum
from campaigns.services.maintenance import tick
from campaigns.services.rates import rates
from campaigns.status import UNSENT_EXPIRY_CODE
from tests.engine.conftest import add_contacts, make_campaign, numbers
from tests.engine.test_scheduling import closed_window_now, stop_after_first_request


@pytest.fixture
def fake_campaign(fake_provider, engine_world):
    conn, sim = fake_provider
    engine_world.sender.connection = conn
    engine_world.sender.save()
    contacts = add_contacts(engine_world.account, numbers(120), "Many")
    return make_campaign(engine_world, contacts, connection=conn, text="Hello"), sim


def counted_by_status(campaign: Campaign) -> dict[str, int]:
    """What the delta rows say, without the zero statuses and the total."""
    return {status: n for status, n in campaign_counts(campaign).items() if n and status != "total"}


def real_counts(campaign: Campaign) -> dict[str, int]:
    return dict(Counter(Message.objects.filter(campaign=campaign).values_list("status", flat=True)))


def assert_money_settled(campaign: Campaign) -> None:
    account = Account.objects.get(pk=campaign.account_id)
    assert account.balance == ledger_sum(account)
    assert account.reserved == 0
    assert Campaign.objects.get(pk=campaign.pk).reserved_amount == 0


def test_cancel_mid_send_ends_the_unsent_cancelled_not_failed(fake_campaign, monkeypatch):
    campaign, sim = fake_campaign
    stop_after_first_request(sim, campaign, cancel, monkeypatch)
    launch(campaign)

    unsent = Message.objects.filter(campaign=campaign, provider_message_id="")
    assert unsent.count() == 70 == sim.stats()["submissions"] + 70 - 50
    assert not unsent.filter(status="failed").exists()
    assert set(unsent.values_list("status", flat=True)) == {"cancelled"}
    assert counted_by_status(campaign) == real_counts(campaign) == {"submitted": 50, "cancelled": 70}
    figures = rates(campaign_counts(campaign))
    assert figures.cancelled == 70 and figures.failed == 0 and figures.outcomes == 0 and figures.delivery_rate is None
    assert_money_settled(campaign)


def test_a_retry_given_back_after_the_cancel_ends_cancelled_and_is_released(fake_campaign, monkeypatch):
    """A chunk in flight at the cancel whose messages come back to pending (a retryable
    refusal) must not stay pending forever nor hold money."""
    campaign, sim = fake_campaign
    from campaigns.services import transitions

    def cancel_then_give_back(c):
        cancel(c)
        queued = list(Message.objects.filter(campaign=c, status="queued").values_list("pk", flat=True))
        transitions.release_claims(queued[:5])  # what a retryable refusal of the in-flight chunk does

    stop_after_first_request(sim, campaign, cancel_then_give_back, monkeypatch)
    launch(campaign)

    assert not Message.objects.filter(campaign=campaign, status__in=["pending", "queued", "failed"]).exists()
    assert counted_by_status(campaign) == real_counts(campaign)
    assert_money_settled(campaign)


def test_expiry_ends_unsent_messages_expired_with_the_reason_and_out_of_the_rates(fake_campaign):
    campaign, sim = fake_campaign
    campaign.timezone = "Asia/Karachi"
    campaign.allowed_start, campaign.allowed_end = closed_window_now()
    campaign.expires_at = timezone.now() + timedelta(hours=1)
    campaign.save()
    launch(campaign)
    Campaign.objects.filter(pk=campaign.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    tick()

    campaign.refresh_from_db()
    assert sim.stats()["submissions"] == 0
    assert Message.objects.filter(campaign=campaign, status="expired", error_code=UNSENT_EXPIRY_CODE).count() == 120
    assert campaign.expired_unsent == 120
    marked = StatusCount.objects.filter(campaign=campaign, status="expired", not_sent=True).aggregate(n=Sum("count"))["n"]
    assert marked == 120  # the dashboard's periods leave them out of the rates too
    assert counted_by_status(campaign) == real_counts(campaign) == {"expired": 120}
    figures = rates(campaign_counts(campaign), campaign.expired_unsent)
    assert figures.outcomes == 0 and figures.failed == 0 and figures.delivery_rate is None
    assert_money_settled(campaign)


def test_expiry_never_touches_a_message_claimed_meanwhile(fake_campaign, monkeypatch):
    campaign, _sim = fake_campaign
    campaign.allowed_start, campaign.allowed_end = closed_window_now()
    campaign.save()
    launch(campaign)
    claimed = Message.objects.filter(campaign=campaign).order_by("pk").first()
    real_apply = pipeline.apply_status

    def claim_first_then_apply(ids, *args, **kwargs):
        Message.objects.filter(pk=claimed.pk).update(status="queued")  # a worker won it after the ids were read
        return real_apply(ids, *args, **kwargs)

    monkeypatch.setattr(pipeline, "apply_status", claim_first_then_apply)
    pipeline.expire_pending(Campaign.objects.get(pk=campaign.pk))

    assert Message.objects.get(pk=claimed.pk).status == "queued"
    assert Campaign.objects.get(pk=campaign.pk).expired_unsent == 119
