"""Model-level behaviour: credentials at rest, tenancy helpers, lifecycles, constraints."""

from decimal import Decimal

import pytest
from django.db import IntegrityError

from campaigns.models import Account, Campaign, Contact, Message, SenderID, Suppression
from campaigns.status import MAY_BECOME, may_become
from providers.base import MessageStatus as S
from tests.conftest import make_connection


def test_credentials_are_encrypted_at_rest(world):
    conn = make_connection(world.account, "vt", credentials={"apikey": "s3cret-value"})
    conn.refresh_from_db()
    assert "s3cret-value" not in conn.credentials_encrypted
    assert conn.get_credentials() == {"apikey": "s3cret-value"}
    assert conn.credential_names() == ["apikey"]


def test_webhook_path_carries_the_token_and_optional_kind(world):
    conn = make_connection(world.account, "vt")
    assert conn.webhook_path() == f"/webhooks/vt/{conn.webhook_token}/"
    assert conn.webhook_path("report") == f"/webhooks/vt/{conn.webhook_token}/report/"
    assert len(conn.webhook_token) >= 24


def test_unique_slug_adds_a_number(db):
    Account.objects.create(name="Acme", slug="acme")
    assert Account.unique_slug("Acme") == "acme-2"


def test_available_is_balance_minus_reserved(db):
    account = Account(name="A", slug="a", balance=Decimal("10"), reserved=Decimal("3.5"))
    assert account.available == Decimal("6.5")


def test_contact_phone_unique_per_account_only(world):
    Contact.objects.create(account=world.account, phone="+923001234567")
    Contact.objects.create(account=world.other_account, phone="+923001234567")
    with pytest.raises(IntegrityError):
        Contact.objects.create(account=world.account, phone="+923001234567")


def test_suppression_once_per_account(world):
    Suppression.objects.create(account=world.account, phone="+923001234567")
    with pytest.raises(IntegrityError):
        Suppression.objects.create(account=world.account, phone="+923001234567")


def test_only_approved_sender_is_usable(world):
    sender = SenderID.objects.create(account=world.account, value="ACME")
    assert sender.status == SenderID.Status.REQUESTED and not sender.usable
    sender.status = SenderID.Status.APPROVED
    assert sender.usable


def test_campaign_lifecycle_transitions():
    campaign = Campaign(status=Campaign.Status.DRAFT)
    assert campaign.can_become("scheduled")
    assert not campaign.can_become("running")
    campaign.status = Campaign.Status.RUNNING
    assert campaign.can_become("paused") and campaign.can_become("completed")
    campaign.status = Campaign.Status.COMPLETED
    assert not any(campaign.can_become(s) for s in Campaign.Status.values)


def test_status_only_moves_forward():
    assert may_become(S.QUEUED, S.SUBMITTED)
    assert may_become(S.SENT, S.DELIVERED)
    assert not may_become(S.DELIVERED, S.SENT)  # a late "sent" never overwrites "delivered"
    assert not may_become(S.DELIVERED, S.DELIVERED)  # a duplicate changes nothing
    assert not may_become(S.UNKNOWN, S.QUEUED)  # unknown is never resent blindly
    assert set(MAY_BECOME) == {s.value for s in S}


def test_idempotency_key_unique_per_account(world):
    conn = make_connection(world.account, "vt")
    Message.objects.create(account=world.account, connection=conn, to="+923001234567", idempotency_key="k1")
    Message.objects.create(account=world.account, connection=conn, to="+923001234567")  # empty keys don't clash
    Message.objects.create(account=world.account, connection=conn, to="+923001234567")
    with pytest.raises(IntegrityError):
        Message.objects.create(account=world.account, connection=conn, to="+923001234567", idempotency_key="k1")
