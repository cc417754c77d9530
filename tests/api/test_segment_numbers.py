"""Number rules on custom attributes read ContactNumber (kept beside the JSON): they still match
after the attribute is edited in the portal, through the API (one and bulk) and by an import."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from campaigns.models import Contact, ContactNumber, ImportJob
from campaigns.services import attribute_numbers
from campaigns.services.segments import clean_conditions, matching_contacts


def over(world, number: float) -> list[str]:
    rule = {"field": "attr:score", "op": "gt", "value": number}
    conditions = clean_conditions(world.account, {"match": "all", "groups": [{"match": "all", "rules": [rule]}]})
    return sorted(matching_contacts(world.account, conditions).values_list("phone", flat=True))


@pytest.mark.parametrize(
    "value,expected",
    [(42, 42.0), (7.5, 7.5), ("42", 42.0), (" -3.5 ", -3.5), ("n/a", None), ("", None), (True, None), ("1.2.3", None), ("1e3", None)],
)
def test_what_counts_as_a_number(value, expected):
    assert attribute_numbers.as_number(value) == expected


def test_editing_the_attribute_in_the_portal_moves_the_contact_in_and_out(marketer_client, world):
    contact = Contact.objects.create(account=world.account, phone="+923001110001", attributes={"score": "10"})
    assert over(world, 50) == []
    marketer_client.post(f"/contacts/{contact.pk}/edit/", {"phone": contact.phone, "custom_fields": "score=75"})
    assert over(world, 50) == [contact.phone]
    marketer_client.post(f"/contacts/{contact.pk}/edit/", {"phone": contact.phone, "custom_fields": "score=n/a"})
    assert over(world, 50) == [] and not ContactNumber.objects.filter(contact=contact).exists()


def test_api_create_update_and_bulk_upsert_keep_numbers_in_step(api, world):
    created = api.post("/api/v1/contacts", {"phone": "+923001110002", "attributes": {"score": "90"}}).json()
    assert over(world, 50) == ["+923001110002"]
    api.patch(f"/api/v1/contacts/{created['id']}", {"attributes": {"score": "5"}})
    assert over(world, 50) == []
    items = [{"phone": "+923001110002", "attributes": {"score": "61"}}, {"phone": "+923001110003", "attributes": {"score": "99.5"}}]
    assert api.post("/api/v1/contacts/bulk", {"contacts": items}).status_code == 200
    assert over(world, 60) == ["+923001110002", "+923001110003"]
    assert over(world, 99) == ["+923001110003"]


def test_import_creates_and_updates_numbers(marketer_client, world):
    Contact.objects.create(account=world.account, phone="+923001110004", attributes={"score": "1", "tier": "gold"})

    def run(csv_text: str) -> None:
        file = SimpleUploadedFile("scores.csv", csv_text.encode(), content_type="text/csv")
        job_url = marketer_client.post("/contacts/import/", {"file": file})["Location"]
        marketer_client.post(job_url, {"col_0": "phone", "col_1": "attribute:score"})
        assert ImportJob.objects.filter(account=world.account).latest("pk").status == "done"

    run("phone,score\n+923001110004,80\n+923001110005,70\n+923001110006,n/a\n")
    assert over(world, 50) == ["+923001110004", "+923001110005"]
    run("phone,score\n+923001110005,20\n")
    assert over(world, 50) == ["+923001110004"]
    assert Contact.objects.get(phone="+923001110004").attributes == {"score": "80", "tier": "gold"}


def test_sync_rewrites_rows_from_the_attributes(world):
    contact = Contact.objects.create(account=world.account, phone="+923001110007", attributes={"score": 3, "age": "30"})
    Contact.objects.filter(pk=contact.pk).update(attributes={"score": 70})  # a raw update skips the signal
    assert over(world, 50) == []
    assert attribute_numbers.sync([contact.pk]) == 1
    assert over(world, 50) == [contact.phone]
    assert list(ContactNumber.objects.filter(contact=contact).values_list("key", "value")) == [("score", 70.0)]
