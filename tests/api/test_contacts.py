"""Contacts: CRUD, filters, bulk upsert with per-item errors, access control."""

from __future__ import annotations

import pytest

from campaigns.models import Contact, ContactList
from tests.api.conftest import assert_access, error_of

URL = "/api/v1/contacts"


@pytest.fixture
def contact(world) -> Contact:
    return Contact.objects.create(account=world.account, phone="+923001234567", first_name="Ali")


def test_create_list_retrieve_update_delete(api, world):
    created = api.post(URL, {"phone": "0092 300 7654321", "first_name": "Sara", "attributes": {"city": "Lahore"}})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["phone"] == "+923007654321" and body["attributes"] == {"city": "Lahore"}
    listed = api.get(URL).json()
    assert [c["id"] for c in listed["results"]] == [body["id"]] and "next" in listed
    assert api.get(f"{URL}/{body['id']}").json()["first_name"] == "Sara"
    assert api.patch(f"{URL}/{body['id']}", {"last_name": "Khan"}).json()["last_name"] == "Khan"
    assert api.delete(f"{URL}/{body['id']}").status_code == 204
    assert not Contact.objects.filter(pk=body["id"]).exists()


def test_invalid_phone_is_a_field_error_and_a_taken_one_a_conflict(api, contact):
    bad = api.post(URL, {"phone": "12"})
    assert bad.status_code == 400 and "phone" in error_of(bad)["fields"]
    dup = api.post(URL, {"phone": contact.phone})
    assert dup.status_code == 409 and error_of(dup)["code"] == "conflict" and "phone" in error_of(dup)["fields"]


def test_filters(api, world, contact):
    Contact.objects.create(account=world.account, phone="+923331112223", first_name="Zara")
    assert [c["phone"] for c in api.get(URL, {"search": "zar"}).json()["results"]] == ["+923331112223"]
    assert [c["first_name"] for c in api.get(URL, {"phone": contact.phone}).json()["results"]] == ["Ali"]
    members = ContactList.objects.create(account=world.account, name="VIP")
    members.contacts.add(contact)
    assert [c["id"] for c in api.get(URL, {"list": members.pk}).json()["results"]] == [contact.pk]


def test_cursor_pagination(api, world):
    Contact.objects.bulk_create([Contact(account=world.account, phone=f"+9230012345{i:02d}") for i in range(5)])
    first = api.get(URL, {"page_size": 2}).json()
    assert len(first["results"]) == 2 and first["next"]
    second = api.client.get(first["next"], **api.headers).json()
    assert len(second["results"]) == 2
    assert not {c["id"] for c in first["results"]} & {c["id"] for c in second["results"]}


def test_access_control(apis, contact, world):
    assert_access(f"{URL}/{contact.pk}", apis)
    assert apis["outsider"].get(URL).json()["results"] == []
    # Contacts are account-wide: a subaccount key shares them; a read-only key only reads.
    assert apis["sub"].get(f"{URL}/{contact.pk}").status_code == 200
    refused = apis["ro"].post(URL, {"phone": "+923001234568"})
    assert refused.status_code == 403 and error_of(refused)["code"] == "permission_denied"
    assert apis["outsider"].delete(f"{URL}/{contact.pk}").status_code == 404
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_bulk_upsert_creates_updates_and_reports_per_item(api, world, contact):
    target = ContactList.objects.create(account=world.account, name="Imported")
    items = [
        {"phone": contact.phone, "last_name": "Updated", "attributes": {"city": "Karachi"}},
        {"phone": "+923009998887", "first_name": "New"},
        {"phone": "not a number"},
        {"phone": "+923009998887", "first_name": "Again"},
        "just a string",
        {"first_name": "no phone"},
    ]
    response = api.post(f"{URL}/bulk", {"contacts": items, "list": target.pk})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["created"], body["updated"], body["errors"]) == (1, 1, 4)
    statuses = [r["status"] for r in body["results"]]
    assert statuses == ["updated", "created", "error", "error", "error", "error"]
    assert "phone" in body["results"][2]["errors"] and "earlier" in body["results"][3]["errors"]["phone"][0]
    contact.refresh_from_db()
    assert contact.last_name == "Updated" and contact.first_name == "Ali" and contact.attributes == {"city": "Karachi"}
    assert set(target.contacts.values_list("phone", flat=True)) == {contact.phone, "+923009998887"}


def test_bulk_upsert_limit_is_1000(api):
    too_many = [{"phone": f"+9230010{i:05d}"} for i in range(1001)]
    response = api.post(f"{URL}/bulk", {"contacts": too_many})
    assert response.status_code == 400 and "contacts" in error_of(response)["fields"]


def test_bulk_upsert_1000_in_one_call(api, world, django_assert_max_num_queries):
    items = [{"phone": f"+92300{i:07d}", "first_name": f"N{i}"} for i in range(1000)]
    with django_assert_max_num_queries(30):
        response = api.post(f"{URL}/bulk", {"contacts": items})
    assert response.json()["created"] == 1000
    assert Contact.objects.filter(account=world.account).count() == 1000


def test_bulk_into_another_accounts_list_is_refused(api, world):
    foreign = ContactList.objects.create(account=world.other_account, name="Theirs")
    response = api.post(f"{URL}/bulk", {"contacts": [{"phone": "+923001112223"}], "list": foreign.pk})
    assert response.status_code == 404 and "list" in error_of(response)["fields"]
