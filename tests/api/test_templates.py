"""Templates CRUD."""

from __future__ import annotations

from campaigns.models import Template
from tests.api.conftest import assert_access, error_of

URL = "/api/v1/templates"


def test_crud(api):
    created = api.post(URL, {"kind": "sms", "name": "Welcome", "body": "Hi {{ first_name }}"})
    assert created.status_code == 201, created.content
    tid = created.json()["id"]
    assert api.patch(f"{URL}/{tid}", {"body": "Hello {{ first_name }}"}).json()["body"] == "Hello {{ first_name }}"
    assert [t["name"] for t in api.get(URL, {"kind": "sms"}).json()["results"]] == ["Welcome"]
    assert api.delete(f"{URL}/{tid}").status_code == 204


def test_sms_template_needs_a_body(api):
    response = api.post(URL, {"kind": "sms", "name": "Empty", "body": " "})
    assert response.status_code == 400 and "body" in error_of(response)["fields"]


def test_connection_must_be_own(api, world):
    from tests.conftest import make_connection

    foreign = make_connection(world.other_account, "vt")
    response = api.post(URL, {"kind": "whatsapp", "name": "WA", "connection": foreign.pk})
    assert response.status_code == 404 and "connection" in error_of(response)["fields"]


def test_access_control(apis, world):
    template = Template.objects.create(account=world.account, subaccount=world.subaccount, name="Promo", body="Hi")
    assert_access(f"{URL}/{template.pk}", apis)
    assert apis["sub"].patch(f"{URL}/{template.pk}", {"name": "Promo 2"}).status_code == 200
    other = Template.objects.create(account=world.account, subaccount=world.account.subaccounts.create(name="Sales"), name="S", body="x")
    assert apis["sub"].get(f"{URL}/{other.pk}").status_code == 404
