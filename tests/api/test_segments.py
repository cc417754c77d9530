"""Segments over the API: CRUD, validation naming the bad rule, the count, and segments as a
campaign audience (your account's only)."""

from __future__ import annotations

from campaigns.models import Contact, Segment, Suppression
from tests.api.conftest import assert_access, error_of

URL = "/api/v1/segments"
GOLD = {"match": "all", "groups": [{"match": "any", "rules": [{"field": "attr:tier", "op": "equals", "value": "gold"}]}]}


def seed(world) -> None:
    for i, tier in enumerate(["gold", "gold", "silver", "GOLD"]):
        Contact.objects.create(account=world.account, phone=f"+92300123450{i}", attributes={"tier": tier})
    Contact.objects.create(account=world.other_account, phone="+923001234509", attributes={"tier": "gold"})
    Suppression.objects.create(account=world.account, phone="+923001234500")


def test_crud_and_count(api, world):
    seed(world)
    created = api.post(URL, {"name": "Gold", "conditions": GOLD})
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert Segment.objects.get(pk=pk).created_by == world.admin
    assert api.get(f"{URL}/{pk}/count").json() == {"contacts": 3, "recipients": 2}
    silver = {"match": "all", "groups": [{"match": "all", "rules": [{"field": "attr:tier", "op": "in", "value": ["silver"]}]}]}
    assert api.patch(f"{URL}/{pk}", {"conditions": silver}).status_code == 200
    assert api.get(f"{URL}/{pk}/count").json() == {"contacts": 1, "recipients": 1}
    assert [s["name"] for s in api.get(URL).json()["results"]] == ["Gold"]
    assert api.delete(f"{URL}/{pk}").status_code == 204
    assert not Segment.objects.exists()


def test_bad_conditions_name_the_rule(api, world):
    bad = {"match": "all", "groups": [{"match": "all", "rules": [{"field": "attr:tier", "op": "gt", "value": "high"}]}]}
    response = api.post(URL, {"name": "Bad", "conditions": bad})
    assert response.status_code == 422
    assert error_of(response)["fields"]["conditions"] == ["Group 1, rule 1 (Tier >): “high” is not a number."]
    for junk in ("x", [], {"groups": 3}, {"groups": []}, None):  # not the documented shape
        assert api.post(URL, {"name": "Bad", "conditions": junk}).status_code == 400


def test_taken_name_is_a_conflict_and_outsiders_see_nothing(api, apis, world):
    segment = Segment.objects.create(account=world.account, name="Gold", conditions=GOLD)
    response = api.post(URL, {"name": "Gold", "conditions": GOLD})
    assert response.status_code == 409 and error_of(response)["code"] == "conflict"
    assert_access(f"{URL}/{segment.pk}", apis)
    assert_access(f"{URL}/{segment.pk}/count", apis)
    assert apis["ro"].post(URL, {"name": "X", "conditions": GOLD}).status_code == 403


def test_campaign_audience_takes_segments_of_your_account_only(api, world, vt_connection):
    seed(world)
    mine = Segment.objects.create(account=world.account, name="Gold", conditions=GOLD)
    theirs = Segment.objects.create(account=world.other_account, name="Gold", conditions=GOLD)
    body = {"name": "To gold", "connection": vt_connection.pk, "text": "hi", "audience": {"segments": [theirs.pk]}}
    refused = api.post("/api/v1/campaigns", body)
    assert refused.status_code == 404 and f"No such segment: {theirs.pk}." in error_of(refused)["message"]
    body["audience"] = {"segments": [mine.pk]}
    created = api.post("/api/v1/campaigns", body)
    assert created.status_code == 201, created.content
    assert created.json()["audience"]["segments"] == [mine.pk]
    from campaigns.models import Campaign
    from campaigns.services.audience import audience_summary

    campaign = Campaign.objects.get(pk=created.json()["id"])
    assert audience_summary(world.account, campaign.audience).recipients == 2


def test_a_subaccount_key_cannot_name_another_subaccounts_list(keys, world):
    from campaigns.models import ContactList, Subaccount
    from tests.api.conftest import Api

    sales = Subaccount.objects.create(account=world.account, name="Sales")
    theirs = ContactList.objects.create(account=world.account, subaccount=sales, name="Sales VIPs")
    shared = ContactList.objects.create(account=world.account, name="Everyone")
    in_list = lambda pk: {"match": "all", "groups": [{"match": "all", "rules": [{"field": "list", "op": "in", "value": [pk]}]}]}  # noqa: E731
    sub = Api(keys.subaccount)
    refused = sub.post(URL, {"name": "Peek", "conditions": in_list(theirs.pk)})
    assert refused.status_code == 422, refused.content
    assert sub.post(URL, {"name": "Shared", "conditions": in_list(shared.pk)}).status_code == 201
    assert Api(keys.account).post(URL, {"name": "Admin peek", "conditions": in_list(theirs.pk)}).status_code == 201
