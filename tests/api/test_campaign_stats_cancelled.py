"""GET /api/v1/campaigns/<id>/stats after a cancel: the unsent are `cancelled` (not failed),
the rates come from the one definition, money is a decimal string; the schema agrees."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from campaigns.models import Contact, ContactList, Message, Price
from campaigns.services.ledger import top_up

URL = "/api/v1/campaigns"


def closed_hours(zone: str = "Asia/Karachi") -> tuple[str, str]:
    """Allowed hours that exclude the current local time."""
    local = timezone.now().astimezone(ZoneInfo(zone))
    return (local + timedelta(hours=6)).strftime("%H:%M"), (local + timedelta(hours=8)).strftime("%H:%M")


@pytest.fixture
def waiting(api, world, approved_sender, vt_connection, simulators) -> dict:
    """A launched campaign whose 4 messages wait for its allowed hours (nothing sent yet)."""
    contact_list = ContactList.objects.create(account=world.account, name="Customers")
    for i in range(4):
        contact_list.contacts.add(Contact.objects.create(account=world.account, phone=f"+92300123456{i}"))
    Price.objects.create(account=world.account, channel="sms", prefix="", amount=Decimal("0.0125"))
    top_up(world.account, Decimal("10"))
    start, end = closed_hours()
    body = {
        "name": "Evening offer",
        "connection": vt_connection.pk,
        "sender": approved_sender.pk,
        "text": "Hi, 20% off tonight",
        "audience": {"lists": [contact_list.pk]},
        "timezone": "Asia/Karachi",
        "allowed_start": start,
        "allowed_end": end,
    }
    created = api.post(URL, body).json()
    assert api.post(f"{URL}/{created['id']}/launch").status_code == 200
    assert Message.objects.filter(campaign_id=created["id"], status="pending").count() == 4
    return created


def test_stats_after_cancel_report_the_unsent_as_cancelled(api, waiting, world):
    assert api.post(f"{URL}/{waiting['id']}/cancel").json()["status"] == "cancelled"

    body = api.get(f"{URL}/{waiting['id']}/stats").json()

    assert body["status"] == "cancelled"
    assert body["counts"]["cancelled"] == 4 and body["counts"]["failed"] == 0 and body["counts"]["total"] == 4
    assert body["rates"] == {
        "outcomes": 0,
        "delivered": 0,
        "failed": 0,
        "cancelled": 4,
        "expired_unsent": 0,
        "delivery_rate": None,
        "failure_rate": None,
    }
    assert body["spent"] == "0.0000" and body["estimated_cost"] == "0.0500" and body["currency"] == world.account.currency
    messages = api.get("/api/v1/messages", {"campaign": waiting["id"], "status": "cancelled"}).json()["results"]
    assert len(messages) == 4


def test_schema_lists_cancelled_and_money_as_strings(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    components = schema["components"]["schemas"]
    assert "cancelled" in components["MessageStatusEnum"]["enum"]
    stats = components["CampaignStats"]["properties"]
    assert stats["spent"]["type"] == "string" and stats["spent"]["format"] == "decimal"
    assert "cancelled" in components["StatusCounts"]["properties"]
    assert set(components["Rates"]["properties"]) >= {"delivery_rate", "failure_rate", "outcomes"}


def test_a_resend_audience_through_the_api(api, waiting, world, approved_sender, vt_connection):
    body = {"name": "Again", "connection": vt_connection.pk, "sender": approved_sender.pk, "text": "Hi"}
    made = api.post(URL, {**body, "audience": {"resend_of": waiting["id"]}})
    assert made.status_code == 201, made.content
    assert made.json()["audience"]["resend_of"] == waiting["id"]
    assert made.json()["audience"]["statuses"] == ["undelivered", "expired", "rejected", "failed"]
    from campaigns.models import Campaign

    foreign = Campaign.objects.create(account=world.other_account, name="Theirs")
    refused = api.post(URL, {**body, "audience": {"resend_of": foreign.pk}})
    assert refused.status_code == 404 and "No such campaign" in str(refused.json()["error"]["fields"]["audience"])
    cancelled_too = api.post(URL, {**body, "audience": {"resend_of": waiting["id"], "statuses": ["cancelled"]}})
    assert cancelled_too.status_code == 400


def test_an_id_too_large_for_the_database_is_a_clear_400(api):
    response = api.post(URL, {"name": "x", "audience": {"exclude_lists": [495920547082509680640]}})
    assert response.status_code == 400 and "audience" in response.json()["error"]["fields"]
    response = api.post(URL, {"name": "x", "audience": {"resend_of": 2**70}})
    assert response.status_code == 400
