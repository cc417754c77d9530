"""The Routes admin pages: access, create/edit/delete audited, the member connections in
order with shares, clear messages for bad matches, shares, duplicates and channels."""

from __future__ import annotations

import pytest
from django.test import Client

from campaigns.models import AuditEvent, Route, RouteConnection
from tests.conftest import make_connection

pytestmark = pytest.mark.django_db


@pytest.fixture
def conns(world):
    vt = make_connection(world.account, "vt", name="VT main")
    vapp = make_connection(world.account, "vappstore", name="V-App", credentials={"applicationId": "a", "password": "p"})
    return vt, vapp


def route_data(**overrides) -> dict:
    data = {"name": "Pakistan", "channel": "sms", "match_kind": "country", "match_value": "pk", "strategy": "priority", "enabled": "on"}
    return {**data, **overrides}


def make_route(world, conns, **fields) -> Route:
    route = Route.objects.create(account=world.account, **{"name": "Pakistan", "match_kind": "country", "match_value": "PK", **fields})
    for i, conn in enumerate(conns):
        RouteConnection.objects.create(route=route, connection=conn, position=i)
    return route


def test_anonymous_is_sent_to_login(world):
    assert Client().get("/admin/routes/")["Location"].startswith("/login/")


def test_marketer_and_viewer_are_refused(world, conns, marketer_client, viewer_client):
    route = make_route(world, conns)
    for client in (marketer_client, viewer_client):
        assert client.get("/admin/routes/").status_code == 403
        assert client.post("/admin/routes/new/", route_data(name="Sneaky", connection_0=conns[0].pk)).status_code == 403
        assert client.post(f"/admin/routes/{route.pk}/", route_data(name="Renamed", connection_0=conns[0].pk)).status_code == 403
        assert client.post(f"/admin/routes/{route.pk}/delete/").status_code == 403
    assert list(Route.objects.values_list("name", flat=True)) == ["Pakistan"]


def test_outsider_gets_404(world, conns, outsider_client):
    route = make_route(world, conns)
    assert outsider_client.get(f"/admin/routes/{route.pk}/").status_code == 404
    assert outsider_client.post(f"/admin/routes/{route.pk}/delete/").status_code == 404
    assert outsider_client.get("/admin/routes/").status_code == 200
    assert "Pakistan" not in outsider_client.get("/admin/routes/").content.decode()
    assert Route.objects.filter(pk=route.pk).exists()


def test_empty_list_explains_the_default(admin_client, world):
    page = admin_client.get("/admin/routes/").content.decode()
    assert "No SMS routes" in page and "oldest first" in page


def test_create_a_priority_route_in_order(admin_client, world, conns):
    vt, vapp = conns
    response = admin_client.post("/admin/routes/new/", route_data(connection_0=vapp.pk, connection_1=vt.pk))
    assert response.status_code == 302, response.context["form"].errors
    route = Route.objects.get(name="Pakistan")
    assert (route.match_kind, route.match_value, route.account) == ("country", "PK", world.account)
    assert [(m.connection.name, m.position) for m in route.members.order_by("position")] == [("V-App", 0), ("VT main", 1)]
    assert AuditEvent.objects.filter(action="route.created", target_id=str(route.pk)).exists()
    page = admin_client.get("/admin/routes/").content.decode()
    assert "Country PK" in page and page.index("V-App") < page.index("VT main")


def test_edit_switches_the_connection_and_is_audited(admin_client, world, conns):
    vt, vapp = conns
    route = make_route(world, [vt])
    form = admin_client.get(f"/admin/routes/{route.pk}/").context["form"]
    assert form["connection_0"].value() == vt.pk
    response = admin_client.post(f"/admin/routes/{route.pk}/", route_data(match_value="PK", connection_0=vapp.pk))
    assert response.status_code == 302
    assert [m.connection_id for m in route.members.all()] == [vapp.pk]
    event = AuditEvent.objects.get(action="route.connections_changed", target_id=str(route.pk))
    assert event.changes["connections"] == ["VT main (weight 1)", "V-App (weight 1)"]


def test_weighted_shares_must_add_up_to_100(admin_client, world, conns):
    vt, vapp = conns
    data = route_data(strategy="weighted", connection_0=vt.pk, weight_0=70, connection_1=vapp.pk, weight_1=20)
    response = admin_client.post("/admin/routes/new/", data)
    assert "The shares add up to 90%; make them 100%." in response.content.decode()
    data.pop("weight_1")
    response = admin_client.post("/admin/routes/new/", data)
    assert "Give this connection&#x27;s share in %." in response.content.decode()
    response = admin_client.post("/admin/routes/new/", {**data, "weight_1": 30})
    assert response.status_code == 302
    route = Route.objects.get()
    assert [(m.connection_id, m.weight) for m in route.members.order_by("position")] == [(vt.pk, 70), (vapp.pk, 30)]
    assert "70%" in admin_client.get("/admin/routes/").content.decode()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"match_kind": "prefix", "match_value": "92-300"}, "92-300 is not a number prefix"),
        ({"match_kind": "country", "match_value": "Pakistan"}, "Pakistan is not a two-letter country code"),
        ({"match_kind": "network", "match_value": ""}, "Give the mobile network to match."),
        ({"connection_0": ""}, "Choose at least one connection."),
        ({"channel": "whatsapp"}, "V-App does not send WhatsApp."),
    ],
)
def test_bad_input_gets_a_clear_message(admin_client, world, conns, fields, message):
    data = route_data(**{"connection_0": conns[1].pk, **fields})
    response = admin_client.post("/admin/routes/new/", data)
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Route.objects.exists()


def test_the_same_connection_twice_and_a_taken_name(admin_client, world, conns):
    make_route(world, [conns[0]], name="Taken", match_kind="default", match_value="")
    response = admin_client.post("/admin/routes/new/", route_data(name="taken", connection_0=conns[0].pk, connection_1=conns[0].pk))
    page = response.content.decode()
    assert "A route called taken already exists." in page and "VT main is already in this route." in page


def test_a_second_route_for_the_same_destinations_is_refused(admin_client, world, conns):
    make_route(world, [conns[0]])
    response = admin_client.post("/admin/routes/new/", route_data(name="PK again", connection_0=conns[1].pk))
    assert "The route Pakistan already covers these destinations" in response.content.decode()


def test_default_route_ignores_a_match_value(admin_client, world, conns):
    admin_client.post("/admin/routes/new/", route_data(name="Rest", match_kind="default", match_value="PK", connection_0=conns[0].pk))
    assert Route.objects.get(name="Rest").match_value == ""


def test_delete(admin_client, world, conns):
    route = make_route(world, conns)
    response = admin_client.post(f"/admin/routes/{route.pk}/delete/")
    assert response["Location"] == "/admin/routes/"
    assert not Route.objects.exists() and not RouteConnection.objects.exists()
    assert AuditEvent.objects.filter(action="route.deleted", target_id=str(route.pk)).exists()


def test_admin_menu_links_routes(admin_client, marketer_client, world):
    assert 'href="/admin/routes/"' in admin_client.get("/").content.decode()
    assert 'href="/admin/routes/"' not in marketer_client.get("/").content.decode()
