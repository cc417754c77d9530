"""Billing for account admins: the ledger grouped per campaign per day with a drill-down,
one money format, a low-balance warning level; top-ups and prices belong to platform staff."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from campaigns.models import Account, LedgerEntry, Message, Price, SenderID
from campaigns.services.ledger import Charge, charge, ledger_sum, top_up
from tests.conftest import make_connection
from tests.engine.conftest import make_campaign

pytestmark = pytest.mark.django_db
KARACHI = ZoneInfo("Asia/Karachi")


@pytest.fixture
def funded(world):
    """An account that can send: a connection, an approved sender and 100 USD."""
    world.connection = make_connection(world.account, "vt")
    world.sender = SenderID.objects.create(
        account=world.account, channel="sms", value="ACME", status=SenderID.Status.APPROVED, connection=world.connection
    )
    top_up(world.account, Decimal("100"), description="test money")
    return world


def batch(world, campaign, n: int, price: str = "0.02", sub=None) -> None:
    charges = [Charge(None, campaign and campaign.pk, sub and sub.pk, Decimal(price), Decimal("0")) for _ in range(n)]
    charge(world.account.pk, charges)


def move_last_charge_to(moment: datetime) -> None:
    LedgerEntry.objects.filter(pk=LedgerEntry.objects.latest("id").pk).update(created_at=moment)


def test_anonymous_is_sent_to_login():
    for url in ("/admin/billing/", "/admin/billing/line/?day=2026-11-30", "/admin/settings/"):
        assert Client().get(url)["Location"].startswith("/login/")


def test_marketer_and_viewer_are_refused(world, marketer_client, viewer_client):
    for client in (marketer_client, viewer_client):
        assert client.get("/admin/billing/").status_code == 403
        assert client.get("/admin/billing/line/?day=2026-11-30").status_code == 403
        assert client.post("/admin/settings/", {"timezone": "UTC", "low_balance_threshold": "1"}).status_code == 403
    assert not LedgerEntry.objects.exists()


def test_an_account_admin_cannot_top_up(world, admin_client):
    assert admin_client.post("/admin/billing/top-up/", {"amount": "100", "reason": "free money"}).status_code == 403
    assert admin_client.get("/admin/billing/top-up/")["Location"] == "/admin/billing/"  # an old link, not a blank 405
    assert admin_client.post(f"/platform/accounts/{world.account.pk}/top-up/", {"amount": "100", "reason": "x"}).status_code == 403
    assert not LedgerEntry.objects.exists()
    assert Account.objects.get(pk=world.account.pk).balance == 0
    page = admin_client.get("/admin/billing/").content.decode()
    assert "Add to balance" not in page and "Add a price" not in page


def test_charges_are_grouped_per_campaign_per_day(funded, admin_client):
    world = funded
    Account.objects.filter(pk=world.account.pk).update(timezone="Asia/Karachi")
    spring, autumn = make_campaign(world, name="Spring sale"), make_campaign(world, name="Autumn sale")
    yesterday = datetime(2026, 11, 29, 23, 30, tzinfo=KARACHI)
    for _ in range(20):
        batch(world, spring, 2)
    batch(world, spring, 3)
    move_last_charge_to(yesterday)  # 23:30 in Karachi: the day before, though 18:30 UTC
    batch(world, autumn, 5, "0.01")
    batch(world, None, 1, sub=world.subaccount)  # a single API send
    batch(world, None, 1, sub=world.subaccount)

    page = admin_client.get("/admin/billing/").context["page"]
    lines = [(line.kind, line.campaign and line.campaign.name, line.day.isoformat(), line.message_count, line.total) for line in page.rows]
    today = lines[0][2]
    assert lines == [
        ("charge", None, today, 2, Decimal("-0.0400")),
        ("charge", "Autumn sale", today, 5, Decimal("-0.0500")),
        ("charge", "Spring sale", "2026-11-29", 3, Decimal("-0.0600")),
        ("charge", "Spring sale", today, 40, Decimal("-0.8000")),
        ("topup", None, lines[4][2], 0, Decimal("100.0000")),
    ]
    html = admin_client.get("/admin/billing/").content.decode()
    assert "40 messages in 20 batches" in html and "-0.80 USD" in html
    assert "Single sends (API)" in html
    account = Account.objects.get(pk=world.account.pk)
    assert account.balance == ledger_sum(account) == Decimal("100") - Decimal("0.95")


def test_the_drill_down_shows_the_batches_and_messages_behind_a_line(funded, admin_client):
    world = funded
    spring = make_campaign(world, name="Spring sale")
    for _ in range(3):
        batch(world, spring, 2)
    message = Message.objects.create(
        account=world.account, campaign=spring, connection=world.connection, to="+923001234567", status="delivered", cost=Decimal("0.02")
    )
    Message.objects.filter(pk=message.pk).update(submitted_at=LedgerEntry.objects.latest("id").created_at)
    line = admin_client.get("/admin/billing/").context["page"].rows[0]
    response = admin_client.get(f"/admin/billing/line/?{line.drill_down_query}")
    assert response.status_code == 200
    assert len(response.context["charges"]) == 3 and response.context["message_total"] == 6
    assert response.context["charged"] == Decimal("0.12") and response.context["batch_total"] == 3
    assert [m.pk for m in response.context["charged_messages"]] == [message.pk]
    html = response.content.decode()
    assert "+923001234567" in html and "0.0200 USD" in html and "Batches" in html


@pytest.mark.parametrize("query", ["", "day=yesterday", "day=2026-11-30&campaign=abc", "day=2026-11-30&subaccount=999999"])
def test_a_bad_drill_down_link_says_why(world, admin_client, query):
    response = admin_client.get(f"/admin/billing/line/?{query}")
    assert response.status_code == 400
    assert "not" in response.content.decode() or "Say which day" in response.content.decode()


def test_the_drill_down_never_opens_another_account(world, admin_client):
    other = make_other_campaign(world)
    response = admin_client.get(f"/admin/billing/line/?day=2026-11-30&campaign={other.pk}")
    assert response.status_code == 400 and "not one of yours" in response.content.decode()


def make_other_campaign(world):
    from campaigns.models import Campaign
    from tests.conftest import make_connection

    conn = make_connection(world.other_account, "vt")
    return Campaign.objects.create(account=world.other_account, name="Theirs", channel="sms", connection=conn, text="x")


def test_ledger_pages_by_line(world, admin_client):
    for i in range(1, 56):
        top_up(world.account, Decimal("1"), description=f"entry-{i:02d}")
    response = admin_client.get("/admin/billing/")
    page = response.content.decode()
    assert "entry-55" in page and "entry-06" in page and "entry-05" not in page
    before = response.context["page"].next_before
    page = admin_client.get(f"/admin/billing/?before={before}").content.decode()
    assert "entry-05" in page and "entry-01" in page and "entry-06" not in page


def test_ledger_filters_by_kind_and_never_shows_another_account(world, admin_client):
    top_up(world.account, Decimal("5"), description="money-in")
    top_up(world.other_account, Decimal("7"), description="globex-money")
    LedgerEntry.objects.create(account=world.account, kind="refund", amount=Decimal("1"), balance_after=6, description="a-refund")
    page = admin_client.get("/admin/billing/?kind=refund").content.decode()
    assert "a-refund" in page and "money-in" not in page
    assert "globex-money" not in admin_client.get("/admin/billing/").content.decode()


def test_amounts_use_one_format(world, admin_client):
    Price.objects.create(account=world.account, channel="sms", amount=Decimal("0.00850"))
    top_up(world.account, Decimal("587.2"), description="opening")
    html = admin_client.get("/admin/billing/").content.decode()
    assert "587.20 USD" in html and "0.0085 USD" in html
    assert "587.2000" not in html and "0.00850" not in html


def test_low_balance_banner_on_dashboard_and_billing(world, admin_client, marketer_client):
    top_up(world.account, Decimal("20"), description="opening")
    for client, url in ((admin_client, "/admin/billing/"), (admin_client, "/"), (marketer_client, "/")):
        assert "Low balance" not in client.get(url).content.decode()
    response = admin_client.post("/admin/settings/", {"timezone": "UTC", "country": "", "low_balance_threshold": "50"})
    assert response.status_code == 302 and response["Location"] == "/admin/settings/"
    assert Account.objects.get(pk=world.account.pk).low_balance_threshold == Decimal("50")
    for client, url in ((admin_client, "/admin/billing/"), (admin_client, "/"), (marketer_client, "/")):
        html = client.get(url).content.decode()
        assert "Low balance" in html and "20.00 USD" in html and "50.00 USD" in html


def test_settings_change_the_country_and_refuse_bad_values_in_plain_words(world, admin_client):
    response = admin_client.post("/admin/settings/", {"timezone": "Asia/Karachi", "country": "PK", "low_balance_threshold": ""})
    assert response.status_code == 302
    account = Account.objects.get(pk=world.account.pk)
    assert (account.timezone, account.country, account.low_balance_threshold) == ("Asia/Karachi", "PK", None)
    response = admin_client.post("/admin/settings/", {"timezone": "Asia/Karachi", "country": "PK", "low_balance_threshold": "-3"})
    assert response.status_code == 200 and "cannot be negative" in response.content.decode()
    response = admin_client.post("/admin/settings/", {"timezone": "Asia/Karachi", "country": "PK", "low_balance_threshold": "1.234"})
    assert "at most 2 decimals" in response.content.decode()


def test_yesterday_line_uses_the_account_zone(funded, admin_client):
    Account.objects.filter(pk=funded.account.pk).update(timezone="Asia/Karachi")
    spring = make_campaign(funded, name="Spring sale")
    batch(funded, spring, 1)
    move_last_charge_to(datetime(2026, 11, 29, 18, 30, tzinfo=ZoneInfo("UTC")) + timedelta(minutes=-1))  # 23:29 on the 29th
    batch(funded, spring, 1)
    move_last_charge_to(datetime(2026, 11, 29, 19, 30, tzinfo=ZoneInfo("UTC")))  # 00:30 on the 30th in Karachi
    days = [line.day.isoformat() for line in admin_client.get("/admin/billing/").context["page"].rows if line.kind == "charge"]
    assert days == ["2026-11-30", "2026-11-29"]
