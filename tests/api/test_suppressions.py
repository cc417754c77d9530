"""Suppressions through the API."""

from __future__ import annotations

from campaigns.models import Suppression
from tests.api.conftest import assert_access, error_of

URL = "/api/v1/suppressions"


def test_add_list_filter_and_lift(api, world):
    created = api.post(URL, {"phone": "+92 300 1234567", "reason": "opt_out", "note": "asked by phone"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["phone"] == "+923001234567" and body["source"] == "api"
    again = api.post(URL, {"phone": "+923001234567"})
    assert again.status_code == 409 and "phone" in error_of(again)["fields"]
    assert len(api.get(URL, {"phone": "+923001234567"}).json()["results"]) == 1
    assert api.get(URL, {"reason": "blocked"}).json()["results"] == []
    assert api.delete(f"{URL}/{body['id']}").status_code == 204
    assert not Suppression.objects.exists()


def test_bad_reason_is_a_field_error(api):
    response = api.post(URL, {"phone": "+923001234567", "reason": "bored"})
    assert response.status_code == 400 and "reason" in error_of(response)["fields"]


def test_access_control(apis, world):
    row = Suppression.objects.create(account=world.account, phone="+923001234567")
    assert_access(f"{URL}/{row.pk}", apis)
    assert apis["sub"].get(f"{URL}/{row.pk}").status_code == 200
    assert apis["sub"].post(URL, {"phone": "+923001234568"}).status_code == 201
    # Lifting a suppression needs an account-wide key.
    refused = apis["sub"].delete(f"{URL}/{row.pk}")
    assert refused.status_code == 403 and Suppression.objects.filter(pk=row.pk).exists()
    assert apis["ro"].delete(f"{URL}/{row.pk}").status_code == 403
