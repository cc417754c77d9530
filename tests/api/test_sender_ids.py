"""Sender IDs: list and request (approval happens in the portal)."""

from __future__ import annotations

from campaigns.models import SenderID
from tests.api.conftest import assert_access, error_of

URL = "/api/v1/sender-ids"


def test_request_and_list(api, world, vt_connection):
    response = api.post(URL, {"channel": "sms", "value": "ACMEINFO", "purpose": "alerts", "connection": vt_connection.pk})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "requested" and body["value"] == "ACMEINFO"
    assert SenderID.objects.get(pk=body["id"]).requested_by == world.admin
    assert [s["value"] for s in api.get(URL, {"status": "requested"}).json()["results"]] == ["ACMEINFO"]
    assert api.get(URL, {"status": "approved"}).json()["results"] == []


def test_bad_value_status_and_duplicates(api, approved_sender):
    bad = api.post(URL, {"channel": "sms", "value": "WAY TOO LONG NAME"})
    assert bad.status_code == 400 and "value" in error_of(bad)["fields"]
    dup = api.post(URL, {"channel": "sms", "value": approved_sender.value})
    assert dup.status_code == 409 and "value" in error_of(dup)["fields"]
    # Status is the admin's decision: a request cannot approve itself.
    sneaky = api.post(URL, {"channel": "sms", "value": "SNEAKY", "status": "approved"})
    assert sneaky.status_code == 201 and sneaky.json()["status"] == "requested"


def test_no_update_or_delete(api, approved_sender):
    assert api.patch(f"{URL}/{approved_sender.pk}", {"value": "X"}).status_code == 405
    assert api.delete(f"{URL}/{approved_sender.pk}").status_code == 405


def test_access_control(apis, approved_sender, world):
    assert_access(f"{URL}/{approved_sender.pk}", apis)
    other_sub = world.account.subaccounts.create(name="Sales")
    theirs = SenderID.objects.create(account=world.account, subaccount=other_sub, channel="sms", value="SALES")
    assert apis["sub"].get(f"{URL}/{approved_sender.pk}").status_code == 200  # account-wide
    assert apis["sub"].get(f"{URL}/{theirs.pk}").status_code == 404
    assert apis["ro"].post(URL, {"channel": "sms", "value": "READONLY"}).status_code == 403
