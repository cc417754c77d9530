"""/api/v1/routes: admin keys manage routes (audited); subaccount, read-only and other
accounts' keys may not; bad matches and connections are clear errors; the next message
that names no connection follows the route."""

from __future__ import annotations

from campaigns.models import AuditEvent, Message, Route
from tests.api.conftest import error_of
from tests.conftest import make_connection

URL = "/api/v1/routes"


def two(world):
    return (
        make_connection(world.account, "vt", name="VT one", credentials={"apikey": "k1"}),
        make_connection(world.account, "vt", name="VT two", credentials={"apikey": "k2"}),
    )


def test_admin_key_creates_changes_and_deletes_a_route_audited(api, world):
    one, second = two(world)
    body = {
        "name": "Pakistan",
        "channel": "sms",
        "match_kind": "country",
        "match_value": "pk",
        "strategy": "weighted",
        "connections": [{"connection": one.pk, "weight": 70}, {"connection": second.pk, "weight": 30}],
    }
    created = api.post(URL, body)
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["match_value"] == "PK" and data["connections"] == [
        {"connection": one.pk, "weight": 70},
        {"connection": second.pk, "weight": 30},
    ]
    pk = data["id"]

    changed = api.patch(f"{URL}/{pk}", {"connections": [{"connection": second.pk}], "strategy": "priority"})
    assert changed.status_code == 200, changed.content
    assert changed.json()["connections"] == [{"connection": second.pk, "weight": 1}]
    assert [m.connection_id for m in Route.objects.get(pk=pk).members.all()] == [second.pk]
    assert api.get(URL).json()["results"][0]["name"] == "Pakistan"
    assert api.delete(f"{URL}/{pk}").status_code == 204
    actions = list(AuditEvent.objects.filter(target_type="route").order_by("id").values_list("action", flat=True))
    assert actions[0] == "route.created" and "route.connections_changed" in actions and actions[-1] == "route.deleted"


def test_bad_matches_and_connections_are_clear_errors(api, world, keys):
    one, _ = two(world)
    cases = [
        ({"match_kind": "country", "match_value": "Pakistan"}, "match_value"),
        ({"match_kind": "prefix", "match_value": "92-300"}, "match_value"),
        ({"match_kind": "default", "match_value": "92"}, "match_value"),
        ({"match_kind": "default", "connections": [{"connection": one.pk}, {"connection": one.pk}]}, "connections"),
        ({"match_kind": "default", "channel": "ussd"}, "connections"),  # VT sends no USSD
    ]
    for change, field in cases:
        body = {"name": "x", "channel": "sms", "connections": [{"connection": one.pk}], **change}
        response = api.post(URL, body)
        assert response.status_code == 422, (change, response.content)
        assert field in error_of(response)["fields"], change
    assert api.post(URL, {"name": "x", "channel": "sms", "match_kind": "default", "connections": []}).status_code == 400
    foreign = make_connection(world.other_account, "vt", name="theirs")
    response = api.post(URL, {"name": "x", "channel": "sms", "match_kind": "default", "connections": [{"connection": foreign.pk}]})
    assert response.status_code == 404
    assert not Route.objects.exists()


def test_a_taken_name_answers_409(api, world):
    one, _ = two(world)
    body = {"name": "Default", "channel": "sms", "match_kind": "default", "connections": [{"connection": one.pk}]}
    assert api.post(URL, body).status_code == 201
    assert api.post(URL, body).status_code == 409


def test_only_account_wide_writable_keys_of_the_account(api, sub_api, ro_api, outsider_api, world):
    one, _ = two(world)
    body = {"name": "Default", "channel": "sms", "match_kind": "default", "connections": [{"connection": one.pk}]}
    assert sub_api.post(URL, body).status_code == 403
    assert sub_api.get(URL).status_code == 403
    assert ro_api.post(URL, body).status_code == 403
    pk = api.post(URL, body).json()["id"]
    assert outsider_api.get(f"{URL}/{pk}").status_code == 404
    assert outsider_api.get(URL).json()["results"] == []


def test_a_message_without_a_connection_follows_the_route(api, world):
    from campaigns.models import Price, SenderID
    from campaigns.services.ledger import top_up

    _, second = two(world)
    SenderID.objects.create(account=world.account, channel="sms", value="ACME", status="approved")
    Price.objects.create(account=world.account, channel="sms", prefix="", amount="0.01")
    top_up(world.account, 10, description="test")
    route = {"name": "PK", "channel": "sms", "match_kind": "prefix", "match_value": "92", "connections": [{"connection": second.pk}]}
    assert api.post(URL, route).status_code == 201

    sent = api.post("/api/v1/messages", {"to": "+923001234567", "text": "Hi", "sender": "ACME"})
    assert sent.status_code == 201, sent.content
    assert sent.json()["connection"] == second.pk and sent.json()["route"] == Route.objects.get().pk
    assert Message.objects.get().connection_id == second.pk
