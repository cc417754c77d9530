"""The API refuses what the composer refuses: an unknown placeholder, a tag or broken braces
answer 400 in the standard error shape, naming the placeholder, on create, update, launch and
single sends; a single send renders for the contact with that number."""

from __future__ import annotations

import pytest

from campaigns.models import Campaign, Contact, ContactField, ContactList
from tests.api.conftest import error_of

URL = "/api/v1/campaigns"


@pytest.fixture
def audience(world) -> ContactList:
    contact_list = ContactList.objects.create(account=world.account, name="Customers")
    contact_list.contacts.add(Contact.objects.create(account=world.account, phone="+923001234560", first_name="Zoë"))
    return contact_list


def body(conn, sender, audience, text: str) -> dict:
    return {"name": "Spring", "connection": conn.pk, "sender": sender.pk, "text": text, "audience": {"lists": [audience.pk]}}


def test_create_refuses_an_unknown_placeholder(api, vt_connection, approved_sender, audience):
    response = api.post(URL, body(vt_connection, approved_sender, audience, "Hi {{ firstname }}, sale!"))
    error = error_of(response)
    assert response.status_code == 400 and error["code"] == "validation_error"
    assert "{{ firstname }}" in error["message"] and "Did you mean {{ first_name }}?" in error["message"]
    assert error["fields"]["text"][0].startswith("Unknown placeholder {{ firstname }}")
    assert not Campaign.objects.exists()


def test_create_and_update_refuse_tags_and_broken_braces(api, vt_connection, approved_sender, audience):
    response = api.post(URL, body(vt_connection, approved_sender, audience, "Hello {% if vip %}VIP{% endif %}"))
    assert response.status_code == 400 and "{% if vip %} is not supported" in error_of(response)["fields"]["text"][0]
    created = api.post(URL, body(vt_connection, approved_sender, audience, 'Hi {{ first_name|default:"friend" }}'))
    assert created.status_code == 201, created.content
    response = api.patch(f"{URL}/{created.json()['id']}", {"text": "Hi {{ first_name"})
    assert response.status_code == 400 and "“{{ first_name” is not closed" in error_of(response)["message"]
    response = api.patch(f"{URL}/{created.json()['id']}", {"content": {"variables": ["{{ shoe }}"]}})
    assert response.status_code == 400 and "{{ shoe }}" in error_of(response)["fields"]["content"][0]


def test_custom_attribute_of_the_account_is_known(api, world, vt_connection, approved_sender, audience):
    response = api.post(URL, body(vt_connection, approved_sender, audience, "Hi from {{ city }}"))
    assert response.status_code == 400
    ContactField.objects.create(account=world.account, key="city", label="City")
    assert api.post(URL, body(vt_connection, approved_sender, audience, "Hi from {{ city }}")).status_code == 201


def test_launch_answers_400_naming_the_placeholder(api, world, vt_connection, approved_sender, audience):
    ContactField.objects.create(account=world.account, key="shoe_size", label="Shoe size")
    created = api.post(URL, body(vt_connection, approved_sender, audience, "Hi {{ first_name }}, size {{ shoe_size }}"))
    assert created.status_code == 201, created.content
    ContactField.objects.filter(key="shoe_size").delete()  # the field went away after the draft was saved
    response = api.post(f"{URL}/{created.json()['id']}/launch")
    error = error_of(response)
    assert response.status_code == 400 and error["code"] == "invalid_content"
    assert "Unknown placeholder {{ shoe_size }}" in error["message"] and error["fields"]["text"][0].startswith(
        "Unknown placeholder {{ shoe_size }}"
    )
    assert Campaign.objects.get(pk=created.json()["id"]).status == "draft"


def test_single_send_refuses_an_unknown_placeholder(api, approved_sender, simulators):
    response = api.post("/api/v1/messages", {"to": "+923001234512", "text": "Hi {{ frist_name }}"})
    error = error_of(response)
    assert response.status_code == 400 and error["code"] == "invalid_placeholder"
    assert "{{ frist_name }}" in error["message"] and "text" in error["fields"]


def test_single_send_renders_for_the_contact_with_that_number(api, world, approved_sender, simulators, django_capture_on_commit_callbacks):
    Contact.objects.create(account=world.account, phone="+923001234512", first_name="Zoë")
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/messages", {"to": "+923001234512", "text": 'Hi {{ first_name|default:"friend" }}'})
        other = api.post("/api/v1/messages", {"to": "+923001234513", "text": 'Hi {{ first_name|default:"friend" }}'})
    assert response.status_code == 201, response.content
    assert (response.json()["text"], other.json()["text"]) == ("Hi Zoë", "Hi friend")
