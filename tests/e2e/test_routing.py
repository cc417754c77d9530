"""Routing end to end: campaigns with no connection, sent through the simulators along
the account's routes (by country, least cost, failover), counted at each simulator."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import httpx
from django.utils import timezone

from campaigns.models import Campaign, ConnectionHealth, Message, RateCardEntry, Route, RouteAttempt, RouteConnection
from campaigns.services.maintenance import tick
from campaigns.services.routing import failovers, route_breakdown
from providers.http import install_transport
from tests.conftest import make_connection
from tests.e2e.conftest import RecordingTransport, run
from tests.engine.conftest import add_contacts

PK = ["+923001234512", "+923011234513", "+923021234514"]  # delivered by the simulators
AE = ["+971501234512", "+971501234513"]


def campaign_to(demo, numbers: list[str], name: str) -> Campaign:
    contacts = add_contacts(demo.account, numbers, list_name=name, first_name="Ayesha")
    return Campaign.objects.create(
        account=demo.account,
        name=name,
        channel="sms",
        connection=None,
        sender=demo.senders["sms"],
        text="Hello {{ first_name }}",
        audience={"lists": [contacts.pk]},
    )


def add_route(demo, name, kind, value, connections, strategy=Route.Strategy.PRIORITY) -> Route:
    route = Route.objects.create(account=demo.account, name=name, channel="sms", match_kind=kind, match_value=value, strategy=strategy)
    for position, connection in enumerate(connections):
        RouteConnection.objects.create(route=route, connection=connection, position=position)
    return route


def on_connection(campaign: Campaign) -> dict[str, str]:
    return dict(Message.objects.filter(campaign=campaign).values_list("to", "connection__provider"))


def submissions(demo, slug: str) -> dict[str, int]:
    return {f"+{k.lstrip('+')}": v for k, v in demo.simulators[slug].submissions.items()}


def test_each_country_goes_to_its_route(demo):
    add_route(demo, "Pakistan", Route.Match.COUNTRY, "PK", [demo.connections["vt"]])
    add_route(demo, "Emirates", Route.Match.COUNTRY, "AE", [demo.connections["unified"]])
    campaign = run(demo, campaign_to(demo, PK + AE, "Two countries"))
    tick()

    assert on_connection(campaign) == {**dict.fromkeys(PK, "vt"), **dict.fromkeys(AE, "unified")}
    assert submissions(demo, "vt") == dict.fromkeys(PK, 1)
    assert submissions(demo, "unified") == dict.fromkeys(AE, 1)
    assert set(Message.objects.filter(campaign=campaign).values_list("status", flat=True)) == {"delivered"}
    campaign.refresh_from_db()
    assert campaign.status == "completed"
    rows = {(r.route_name, r.connection_name): r.count for r in route_breakdown(campaign)}
    assert rows == {("Pakistan", "vt e2e"): 3, ("Emirates", "unified e2e"): 2}


def test_least_cost_picks_the_cheaper_connection_per_prefix(demo):
    vt, unified = demo.connections["vt"], demo.connections["unified"]
    for connection, pk_price, ae_price in ((vt, "0.004", "0.009"), (unified, "0.006", "0.003")):
        RateCardEntry.objects.create(connection=connection, channel="sms", prefix="92", price=Decimal(pk_price))
        RateCardEntry.objects.create(connection=connection, channel="sms", prefix="971", price=Decimal(ae_price))
    RateCardEntry.objects.create(connection=unified, channel="sms", prefix="92301", price=Decimal("0.001"))
    add_route(demo, "Cheapest", Route.Match.DEFAULT, "", [vt, unified], strategy=Route.Strategy.LEAST_COST)

    preview = {r.connection_name: (r.count, r.cost) for r in route_breakdown(campaign_to(demo, PK + AE, "Preview"))}
    campaign = run(demo, campaign_to(demo, PK + AE, "Least cost"))

    expected = {PK[0]: "vt", PK[1]: "unified", PK[2]: "vt", AE[0]: "unified", AE[1]: "unified"}
    assert on_connection(campaign) == expected
    assert preview == {"unified e2e": (3, Decimal("0.007")), "vt e2e": (2, Decimal("0.008"))}
    costs = dict(Message.objects.filter(campaign=campaign).values_list("to", "connection_cost"))
    assert costs[PK[1]] == Decimal("0.001") and costs[AE[0]] == Decimal("0.003") and costs[PK[0]] == Decimal("0.004")
    margin = {r.connection_name: r.margin for r in route_breakdown(campaign)}
    assert margin == {"unified e2e": Decimal("0.03") - Decimal("0.007"), "vt e2e": Decimal("0.02") - Decimal("0.008")}


def test_a_bad_key_fails_over_to_the_next_connection_exactly_once(demo):
    bad = make_connection(demo.account, "vt", base_url="http://sim.test/vt", credentials={"apikey": "bad-key"}, mps=0, name="vt bad")
    add_route(demo, "Pakistan", Route.Match.COUNTRY, "PK", [bad, demo.connections["vt"], demo.connections["unified"]])
    campaign = run(demo, campaign_to(demo, PK, "Failover"))
    tick()

    assert on_connection(campaign) == dict.fromkeys(PK, "vt")
    assert submissions(demo, "vt") == dict.fromkeys(PK, 1)  # 0 duplicates: each number accepted once
    assert submissions(demo, "unified") == {}
    refused = [r for r in demo.transport.to("vt") if r.url.params.get("apikey") == "bad-key" or b"bad-key" in r.content]
    assert refused, "the bad key was tried first"
    attempts = RouteAttempt.objects.filter(message__campaign=campaign)
    assert attempts.count() == 3 and {a.connection_id for a in attempts} == {bad.pk}
    assert {a.error_code for a in attempts} == {"auth_failed"}
    assert set(Message.objects.filter(campaign=campaign).values_list("status", flat=True)) == {"delivered"}
    campaign.refresh_from_db()
    assert campaign.status == "completed"  # not paused: the next connection took them
    assert [(f.from_connection, f.to_connection, f.reason, f.count) for f in failovers(campaign)] == [
        ("vt bad", "vt e2e", "auth_failed", 3)
    ]


def test_a_message_whose_fate_is_unknown_never_fails_over(demo):
    class TimesOutAfterSending(RecordingTransport):
        def _handle(self, request: httpx.Request) -> httpx.Response:
            if request.url.path.startswith("/vt/"):
                self.seen.append(request)
                raise httpx.ReadTimeout("no answer", request=request)
            return super()._handle(request)

    transport = TimesOutAfterSending(demo.simulators)
    install_transport(transport)
    add_route(demo, "Pakistan", Route.Match.COUNTRY, "PK", [demo.connections["vt"], demo.connections["unified"]])
    campaign = run(demo, campaign_to(demo, PK, "Unknown"))

    assert set(Message.objects.filter(campaign=campaign).values_list("status", flat=True)) == {"unknown"}
    assert on_connection(campaign) == dict.fromkeys(PK, "vt")
    assert transport.to("unified") == [] and not RouteAttempt.objects.exists()


def test_a_campaign_that_names_its_connection_does_not_fail_over(demo):
    bad = make_connection(demo.account, "vt", base_url="http://sim.test/vt", credentials={"apikey": "bad-key"}, mps=0, name="vt bad")
    campaign = campaign_to(demo, PK, "Pinned")
    campaign.connection = bad
    campaign.save()
    campaign = run(demo, campaign)

    assert campaign.status == "paused" and not RouteAttempt.objects.exists()
    assert set(on_connection(campaign).values()) == {"vt"} and submissions(demo, "vt") == {}


def test_an_open_breaker_moves_waiting_messages_before_any_call(demo, monkeypatch):
    from campaigns.services import pipeline

    vt, unified = demo.connections["vt"], demo.connections["unified"]
    add_route(demo, "Pakistan", Route.Match.COUNTRY, "PK", [vt, unified])
    held: list[tuple] = []
    monkeypatch.setattr(pipeline, "_enqueue_range", lambda *args: held.append(args))
    campaign = run(demo, campaign_to(demo, PK, "Breaker"))  # materialized on vt; batches held
    assert set(on_connection(campaign).values()) == {"vt"} and held
    ConnectionHealth.objects.create(connection=vt, state="open", open_until=timezone.now() + timedelta(minutes=5))

    for args in held:
        pipeline.run_batch(*args)

    assert on_connection(campaign) == dict.fromkeys(PK, "unified")
    assert demo.transport.to("vt") == [] and submissions(demo, "unified") == dict.fromkeys(PK, 1)
    assert set(RouteAttempt.objects.values_list("outcome", flat=True)) == {"skipped"}


def test_a_routed_ussd_menu_keeps_each_session_on_its_first_connection(demo):
    from campaigns.models import UssdSession
    from tests.e2e.conftest import compose
    from tests.e2e.test_channels import USSD_STEPS

    first, second = "+6792870942", "+6792870943"
    campaign = compose(
        demo,
        {"name": "Routed USSD", "channel": "ussd", "connection": demo.connections["vappstore"].pk},
        sender=None,
        content={"ussd_steps": USSD_STEPS},
        numbers=[first, second],
        list_name="Routed USSD",
    )
    campaign.connection = None  # the routes choose: only V-Appstore sends USSD here
    campaign.save()
    campaign = run(demo, campaign, rounds=3)

    sessions = UssdSession.objects.filter(campaign=campaign)
    assert {s.state for s in sessions} == {"completed"}
    assert set(Message.objects.filter(channel="ussd").values_list("connection__provider", flat=True)) == {"vappstore"}
    assert Message.objects.filter(channel="ussd", payload__op="fin").count() == 2
