"""Where a campaign goes, as the review and the campaign page show it: per destination for
a marketer (no connection named), per route and connection with cost and margin and the
failovers for an admin; the connection page shows rotation and recent failovers."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from campaigns.models import (
    Campaign,
    ConnectionHealth,
    Contact,
    ListMembership,
    Message,
    Price,
    RateCardEntry,
    Route,
    RouteAttempt,
    RouteConnection,
    SenderID,
)
from campaigns.services.campaigns import launch
from campaigns.services.ledger import top_up
from tests.conftest import make_connection

pytestmark = pytest.mark.django_db


@pytest.fixture
def routed(world, contact_list):
    vt = make_connection(world.account, "vt", name="VT main", credentials={"apikey": "acme-key"})
    vapp = make_connection(world.account, "vt", name="V-App", credentials={"apikey": "acme-key"})
    uk = Contact.objects.create(account=world.account, phone="+447700900111", first_name="Jo")
    ListMembership.objects.create(contact_list=contact_list, contact=uk)
    route = Route.objects.create(account=world.account, name="Pakistan", channel="sms", match_kind="country", match_value="PK")
    RouteConnection.objects.create(route=route, connection=vapp, position=0)
    RateCardEntry.objects.create(connection=vapp, channel="sms", prefix="92", price=Decimal("0.002"))
    RateCardEntry.objects.create(connection=vt, channel="sms", prefix="", price=Decimal("0.003"))
    Price.objects.create(account=world.account, channel="sms", prefix="", amount=Decimal("0.01"))
    top_up(world.account, Decimal("50"))
    sender = SenderID.objects.create(account=world.account, channel="sms", value="ACME", status="approved")
    campaign = Campaign.objects.create(
        account=world.account,
        subaccount=world.subaccount,
        name="Two countries",
        sender=sender,
        text="Hi {{ first_name }}",
        audience={"lists": [contact_list.pk]},
    )
    world.vt, world.vapp, world.campaign = vt, vapp, campaign
    return world


def test_review_shows_destinations_to_a_marketer(marketer_client, routed):
    response = marketer_client.get(f"/campaigns/{routed.campaign.pk}/edit/review/")
    rows = [(r["route"], r["count"], r["charged"]) for r in response.context["routing"]["rows"]]
    assert rows == [("Pakistan", 5, Decimal("0.05")), ("Any other destination", 1, Decimal("0.01"))]
    page = response.content.decode()
    assert "Where it will go" in page and "Destination" in page
    assert "V-App" not in page and "VT main" not in page and "Connection cost" not in page


def test_review_shows_connections_cost_and_margin_to_an_admin(admin_client, routed):
    response = admin_client.get(f"/campaigns/{routed.campaign.pk}/edit/review/")
    rows = [(r["route"], r["connection"], r["count"], r["cost"], r["margin"]) for r in response.context["routing"]["rows"]]
    assert rows == [
        ("Pakistan", "V-App", 5, Decimal("0.010"), Decimal("0.040")),
        ("Any other destination", "VT main", 1, Decimal("0.003"), Decimal("0.007")),
    ]
    page = response.content.decode()
    assert "Connection cost" in page and "0.05 USD" in page  # the total margin, 2 decimals


def test_campaign_page_breakdown_and_failovers(marketer_client, admin_client, routed, simulators):
    launch(routed.campaign, routed.marketer)
    by_connection = dict(Message.objects.filter(campaign=routed.campaign).values_list("to", "connection__name"))
    assert by_connection["+447700900111"] == "VT main" and by_connection["+923001234500"] == "V-App"
    simulators.deliver(Client())
    moved = Message.objects.get(campaign=routed.campaign, to="+923001234501")
    RouteAttempt.objects.create(
        message=moved, connection=routed.vt, moved_to=routed.vapp, error_code="auth_failed", error_message="bad key"
    )

    admin_page = admin_client.get(f"/campaigns/{routed.campaign.pk}/")
    rows = {r["connection"]: (r["count"], r["sent"]) for r in admin_page.context["routing"]["rows"]}
    assert rows == {"V-App": (5, 5), "VT main": (1, 1)}
    assert [(f["from"], f["to"], f["count"]) for f in admin_page.context["routing"]["failovers"]] == [("VT main", "V-App", 1)]
    assert "Failovers" in admin_page.content.decode()

    page = marketer_client.get(f"/campaigns/{routed.campaign.pk}/").content.decode()
    assert "Where it went" in page and "Pakistan" in page
    assert "V-App" not in page and "VT main" not in page and "Failovers" not in page


def test_connection_page_shows_rotation_and_failovers(admin_client, routed, simulators):
    page = admin_client.get(f"/admin/connections/{routed.vt.pk}/").content.decode()
    assert "In rotation" in page and "No message has failed over" in page and "no prices" not in page
    until = timezone.now() + timedelta(minutes=5)
    ConnectionHealth.objects.create(connection=routed.vt, state="open", open_until=until, consecutive_failures=5, last_error="401 bad key")
    launch(routed.campaign, routed.marketer)
    moved = Message.objects.filter(campaign=routed.campaign).first()
    RouteAttempt.objects.create(message=moved, connection=routed.vt, moved_to=routed.vapp, error_code="auth_failed")
    page = admin_client.get(f"/admin/connections/{routed.vt.pk}/").content.decode()
    assert "Out of rotation" in page and "after 5 failed calls in a row: 401 bad key" in page
    assert timezone.localtime(until).strftime("%H:%M") in page
    assert f'href="/campaigns/{routed.campaign.pk}/"' in page
    listing = admin_client.get("/admin/connections/").content.decode()
    assert listing.count('badge-failed">out of rotation') == 1
    routes = admin_client.get("/admin/routes/").content.decode()
    assert "Pakistan" in routes
