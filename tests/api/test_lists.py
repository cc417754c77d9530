"""Contact lists and memberships, with subaccount scope."""

from __future__ import annotations

import pytest

from campaigns.models import Contact, ContactList
from tests.api.conftest import assert_access, error_of

URL = "/api/v1/lists"


@pytest.fixture
def contacts(world) -> list[Contact]:
    return [Contact.objects.create(account=world.account, phone=f"+92300123456{i}") for i in range(3)]


def test_crud_and_size(api, contacts):
    created = api.post(URL, {"name": "VIP"})
    assert created.status_code == 201, created.content
    list_id = created.json()["id"]
    added = api.post(f"{URL}/{list_id}/contacts/add", {"contacts": [c.pk for c in contacts] + [999999]})
    assert added.json() == {"changed": 3, "missing": [999999]}
    assert api.post(f"{URL}/{list_id}/contacts/add", {"contacts": [contacts[0].pk]}).json()["changed"] == 0
    assert api.get(f"{URL}/{list_id}").json()["size"] == 3
    members = api.get(f"{URL}/{list_id}/contacts").json()["results"]
    assert {m["id"] for m in members} == {c.pk for c in contacts}
    removed = api.post(f"{URL}/{list_id}/contacts/remove", {"contacts": [contacts[0].pk]})
    assert removed.json()["changed"] == 1
    assert api.patch(f"{URL}/{list_id}", {"name": "Gold"}).json()["name"] == "Gold"
    assert api.delete(f"{URL}/{list_id}").status_code == 204
    assert Contact.objects.count() == 3


def test_duplicate_name_is_a_conflict(api, world):
    ContactList.objects.create(account=world.account, name="VIP")
    response = api.post(URL, {"name": "VIP"})
    assert response.status_code == 409 and "name" in error_of(response)["fields"] and error_of(response)["code"] == "conflict"


def test_other_accounts_contacts_cannot_be_added(api, world):
    own = ContactList.objects.create(account=world.account, name="Mine")
    foreign = Contact.objects.create(account=world.other_account, phone="+923001234567")
    assert api.post(f"{URL}/{own.pk}/contacts/add", {"contacts": [foreign.pk]}).json() == {"changed": 0, "missing": [foreign.pk]}
    assert not own.contacts.exists()


def test_access_control(apis, world, contacts):
    shared = ContactList.objects.create(account=world.account, name="Shared")
    assert_access(f"{URL}/{shared.pk}", apis)
    assert_access(f"{URL}/{shared.pk}/contacts/add", apis, method="post", data={"contacts": [contacts[0].pk]})


def test_subaccount_key_scope(world, sub_api, api):
    other_sub = world.account.subaccounts.create(name="Sales")
    shared = ContactList.objects.create(account=world.account, name="Shared")
    theirs = ContactList.objects.create(account=world.account, subaccount=other_sub, name="Sales only")
    created = sub_api.post(URL, {"name": "Marketing list", "subaccount": other_sub.pk})
    assert created.status_code == 201
    mine = ContactList.objects.get(pk=created.json()["id"])
    assert mine.subaccount == world.subaccount  # a subaccount key always creates in its own subaccount
    visible = {item["id"] for item in sub_api.get(URL).json()["results"]}
    assert visible == {shared.pk, mine.pk}
    assert sub_api.get(f"{URL}/{theirs.pk}").status_code == 404
    # Account-wide lists are usable but not changeable by a subaccount key.
    refused = sub_api.patch(f"{URL}/{shared.pk}", {"name": "Renamed"})
    assert refused.status_code == 403 and error_of(refused)["code"] == "account_wide_object"
    assert sub_api.delete(f"{URL}/{shared.pk}").status_code == 403
    assert {item["id"] for item in api.get(URL).json()["results"]} == {shared.pk, theirs.pk, mine.pk}
