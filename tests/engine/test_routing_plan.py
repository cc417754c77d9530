"""The router: which connections carry a message to a destination, in which order."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from campaigns.models import ConnectionHealth, RateCardEntry, Route, RouteConnection, SenderID
from campaigns.services.routing import Router, plan_route, usable_senders
from tests.conftest import make_connection


@pytest.fixture
def three(world):
    account = world.account
    return [make_connection(account, "vt", name=f"VT {n}", credentials={"apikey": f"k{n}"}) for n in ("a", "b", "c")]


def route(account, name, kind, value, connections, strategy=Route.Strategy.PRIORITY, weights=None, **kw):
    r = Route.objects.create(account=account, name=name, channel="sms", match_kind=kind, match_value=value, strategy=strategy, **kw)
    for i, c in enumerate(connections):
        RouteConnection.objects.create(route=r, connection=c, position=i, weight=(weights or [1] * len(connections))[i])
    return r


def names(connections):
    return [c.name for c in connections]


def test_without_routes_the_accounts_connections_in_creation_order(world, three):
    assert names(plan_route(world.account, "sms", "+923001234567")) == ["VT a", "VT b", "VT c"]


def test_longest_match_wins_prefix_then_network_then_country_then_default(world, three):
    a, b, c = three
    account = world.account
    route(account, "default", Route.Match.DEFAULT, "", [c])
    route(account, "Pakistan", Route.Match.COUNTRY, "pk", [b])
    route(account, "Jazz", Route.Match.NETWORK, "Jazz", [a, b])
    route(account, "PK 300", Route.Match.PREFIX, "92300", [a])
    route(account, "PK 3001", Route.Match.PREFIX, "+923001", [b, c])

    assert names(plan_route(account, "sms", "+923001234567")) == ["VT b", "VT c"]  # the longer prefix
    assert names(plan_route(account, "sms", "+923009234567")) == ["VT a"]
    assert names(plan_route(account, "sms", "+923331234567", network="jazz")) == ["VT a", "VT b"]
    assert names(plan_route(account, "sms", "+923331234567")) == ["VT b"]  # country
    assert names(plan_route(account, "sms", "+971501234567")) == ["VT c"]  # default


def test_disabled_routes_and_other_channels_are_passed_over(world, three):
    a, b, _ = three
    route(world.account, "off", Route.Match.PREFIX, "92", [a], enabled=False)
    route(world.account, "on", Route.Match.DEFAULT, "", [b])
    assert names(plan_route(world.account, "sms", "+923001234567")) == ["VT b"]
    assert names(plan_route(world.account, "voice", "+923001234567")) == ["VT a", "VT b", "VT c"]


def test_a_subaccount_route_beats_the_account_wide_one_for_that_subaccount_only(world, three):
    a, b, _ = three
    route(world.account, "all", Route.Match.COUNTRY, "PK", [a])
    route(world.account, "marketing", Route.Match.COUNTRY, "PK", [b], subaccount=world.subaccount)
    assert names(plan_route(world.account, "sms", "+923001234567", subaccount=world.subaccount)) == ["VT b"]
    assert names(plan_route(world.account, "sms", "+923001234567")) == ["VT a"]


def test_least_cost_orders_by_rate_card_per_prefix(world, three):
    a, b, c = three
    route(world.account, "cheap", Route.Match.DEFAULT, "", [a, b, c], strategy=Route.Strategy.LEAST_COST)
    for conn, pk_price, ae_price in ((a, "0.030", "0.010"), (b, "0.020", "0.050")):
        RateCardEntry.objects.create(connection=conn, channel="sms", prefix="92", price=Decimal(pk_price))
        RateCardEntry.objects.create(connection=conn, channel="sms", prefix="971", price=Decimal(ae_price))
    RateCardEntry.objects.create(connection=b, channel="sms", prefix="92300", price=Decimal("0.040"))

    assert names(plan_route(world.account, "sms", "+923331234567")) == ["VT b", "VT a", "VT c"]  # c has no price: last
    assert names(plan_route(world.account, "sms", "+923001234567")) == ["VT a", "VT b", "VT c"]  # b's longer prefix costs more
    assert names(plan_route(world.account, "sms", "+971501234567")) == ["VT a", "VT b", "VT c"]


def test_weights_split_ten_thousand_messages_within_two_percent(world, three):
    a, b, c = three
    route(world.account, "split", Route.Match.DEFAULT, "", [a, b, c], strategy=Route.Strategy.WEIGHTED, weights=[70, 20, 10])
    router = Router(world.account, "sms")
    firsts = Counter(router.plan(f"+92300{n:07d}").first.name for n in range(10_000))

    assert abs(firsts["VT a"] - 7000) < 200 and abs(firsts["VT b"] - 2000) < 200 and abs(firsts["VT c"] - 1000) < 200
    again = router.plan("+923000000042")
    assert again.connections == router.plan("+923000000042").connections  # deterministic per destination
    assert len(again.connections) == 3  # the others follow, for failover


def test_a_sender_goes_only_where_it_is_approved(world, three):
    a, b, c = three
    sender = SenderID.objects.create(account=world.account, channel="sms", value="ACME", status="approved", connection=b)
    sender.approved_on.add(c)
    route(world.account, "all", Route.Match.DEFAULT, "", [a, b, c])

    assert names(plan_route(world.account, "sms", "+923001234567", sender=sender)) == ["VT b", "VT c"]
    anywhere = SenderID.objects.create(account=world.account, channel="sms", value="ANY", status="approved")
    assert names(plan_route(world.account, "sms", "+923001234567", sender=anywhere)) == ["VT a", "VT b", "VT c"]


def test_a_route_whose_connections_cannot_carry_the_sender_is_passed_over(world, three):
    a, b, _ = three
    sender = SenderID.objects.create(account=world.account, channel="sms", value="ACME", status="approved", connection=b)
    route(world.account, "PK", Route.Match.COUNTRY, "PK", [a])
    route(world.account, "default", Route.Match.DEFAULT, "", [b])
    assert names(plan_route(world.account, "sms", "+923001234567", sender=sender)) == ["VT b"]


def test_an_open_connection_goes_last_until_its_probe_is_due(world, three):
    a, b, _ = three
    route(world.account, "pk", Route.Match.DEFAULT, "", [a, b])
    health = ConnectionHealth.objects.create(connection=a, state="open", open_until=timezone.now() + timedelta(minutes=5))
    assert names(plan_route(world.account, "sms", "+923001234567")) == ["VT b", "VT a"]
    health.open_until = timezone.now() - timedelta(seconds=1)
    health.save()
    assert names(plan_route(world.account, "sms", "+923001234567")) == ["VT a", "VT b"]


def test_inactive_connections_are_never_planned(world, three):
    a, b, _ = three
    a.is_active = False
    a.save()
    route(world.account, "pk", Route.Match.DEFAULT, "", [a, b])
    assert names(plan_route(world.account, "sms", "+923001234567")) == ["VT b"]


def test_usable_senders_are_those_the_routes_can_carry(world, three):
    a, b, c = three
    on_a = SenderID.objects.create(account=world.account, channel="sms", value="ONA", status="approved", connection=a)
    on_c = SenderID.objects.create(account=world.account, channel="sms", value="ONC", status="approved", connection=c)
    anywhere = SenderID.objects.create(account=world.account, channel="sms", value="ANY", status="approved")
    SenderID.objects.create(account=world.account, channel="sms", value="WAIT", status="requested")
    assert set(usable_senders(world.account, "sms")) == {on_a, on_c, anywhere}

    route(world.account, "only a and b", Route.Match.DEFAULT, "", [a, b])
    assert set(usable_senders(world.account, "sms")) == {on_a, anywhere}


def test_rows_nothing_can_carry_get_the_last_resort_not_a_null_connection(world, three):
    from campaigns.services.routing import assign_rows

    a, _, c = three
    only_c = SenderID.objects.create(account=world.account, channel="sms", value="ONC", status="approved", connection=c)
    c.is_active = False  # switched off after launch
    c.save()
    rows = [{"to": "+923001234567", "segments": 1, "contact_id": None, "connection_id": None}]
    assign_rows(Router(world.account, "sms", sender=only_c), rows)
    assert rows[0]["connection_id"] == a.pk
