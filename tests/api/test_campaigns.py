"""Campaigns: CRUD of drafts, launch (with the engine's validation), pause, resume, cancel, stats."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import Campaign, Contact, ContactList, StatusCount
from tests.api.conftest import assert_access, error_of

URL = "/api/v1/campaigns"


@pytest.fixture
def audience(world) -> ContactList:
    contact_list = ContactList.objects.create(account=world.account, name="Customers")
    for i in range(3):
        contact_list.contacts.add(Contact.objects.create(account=world.account, phone=f"+92300123456{i}"))
    return contact_list


@pytest.fixture
def draft(api, approved_sender, vt_connection, audience) -> dict:
    response = api.post(
        URL,
        {
            "name": "Spring sale",
            "channel": "sms",
            "connection": vt_connection.pk,
            "sender": approved_sender.pk,
            "text": "Hi {{ first_name }}, 20% off today",
            "audience": {"lists": [audience.pk]},
        },
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_create_update_delete_draft(api, draft):
    assert draft["status"] == "draft" and draft["audience"] == {"lists": [draft["audience"]["lists"][0]], "exclude_lists": []}
    assert api.patch(f"{URL}/{draft['id']}", {"name": "Summer sale"}).json()["name"] == "Summer sale"
    assert [c["id"] for c in api.get(URL, {"status": "draft"}).json()["results"]] == [draft["id"]]
    assert api.delete(f"{URL}/{draft['id']}").status_code == 204


def test_validation_errors(api, world, approved_sender):
    foreign = ContactList.objects.create(account=world.other_account, name="Theirs")
    response = api.post(URL, {"name": "x", "audience": {"lists": [foreign.pk]}})
    assert response.status_code == 404 and "audience" in error_of(response)["fields"]  # another account's list: not found
    response = api.post(URL, {"name": "x", "timezone": "Mars/Olympus"})
    assert response.status_code == 400 and "timezone" in error_of(response)["fields"]
    wrong_channel = api.post(URL, {"name": "x", "channel": "voice", "sender": approved_sender.pk})
    assert wrong_channel.status_code == 400 and "sender" in error_of(wrong_channel)["fields"]


def test_launch_pause_resume_cancel(api, draft):
    later = (timezone.now() + timedelta(days=1)).isoformat()
    assert api.patch(f"{URL}/{draft['id']}", {"send_at": later}).status_code == 200
    launched = api.post(f"{URL}/{draft['id']}/launch")
    assert launched.status_code == 200, launched.content
    assert launched.json()["status"] == "scheduled"
    assert api.patch(f"{URL}/{draft['id']}", {"name": "late edit"}).status_code == 409
    assert api.delete(f"{URL}/{draft['id']}").status_code == 409
    again = api.post(f"{URL}/{draft['id']}/launch")
    assert again.status_code == 409 and error_of(again)["code"] == "invalid_state"
    paused = api.post(f"{URL}/{draft['id']}/pause", {"reason": "typo"})
    assert paused.status_code == 200 and paused.json()["status"] == "paused"
    resumed = api.post(f"{URL}/{draft['id']}/resume")
    assert resumed.status_code == 200 and resumed.json()["status"] == "scheduled"
    cancelled = api.post(f"{URL}/{draft['id']}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert api.post(f"{URL}/{draft['id']}/resume").status_code == 409


def test_launch_refused_lists_the_reasons(api, vt_connection):
    created = api.post(URL, {"name": "Empty", "connection": vt_connection.pk, "text": ""}).json()
    response = api.post(f"{URL}/{created['id']}/launch")
    error = error_of(response)
    assert response.status_code == 422 and error["code"] == "launch_refused"
    assert error["fields"]["launch"] and Campaign.objects.get(pk=created["id"]).status == "draft"


def test_launch_sends_through_the_engine(api, draft, simulators):
    assert api.post(f"{URL}/{draft['id']}/launch").status_code == 200
    body = api.get(f"{URL}/{draft['id']}/stats").json()
    assert body["recipients"] == 3 and body["counts"]["total"] == 3
    assert len(api.get("/api/v1/messages", {"campaign": draft["id"]}).json()["results"]) == 3


def test_stats(api, draft, world):
    campaign = Campaign.objects.get(pk=draft["id"])
    StatusCount.objects.create(account=world.account, campaign=campaign, status="delivered", count=2)
    StatusCount.objects.create(account=world.account, campaign=campaign, status="failed", count=1)
    body = api.get(f"{URL}/{draft['id']}/stats").json()
    assert body["counts"]["delivered"] == 2 and body["counts"]["failed"] == 1 and body["counts"]["total"] == 3
    assert body["status"] == "draft" and set(body["dropped"]) == {"suppressed", "invalid", "duplicate"}


def test_access_control(apis, draft, world):
    assert_access(f"{URL}/{draft['id']}", apis)
    assert_access(f"{URL}/{draft['id']}/launch", apis, method="post", data={})
    assert_access(f"{URL}/{draft['id']}/stats", apis)
    # An account-wide campaign (no subaccount) is not the subaccount key's.
    assert apis["sub"].get(f"{URL}/{draft['id']}").status_code == 404
    assert apis["ro"].post(f"{URL}/{draft['id']}/launch").status_code == 403


def test_subaccount_key_creates_and_sees_its_own(sub_api, api, world, vt_connection):
    created = sub_api.post(URL, {"name": "Team campaign", "connection": vt_connection.pk, "text": "hi"})
    assert created.status_code == 201
    assert Campaign.objects.get(pk=created.json()["id"]).subaccount == world.subaccount
    assert [c["id"] for c in sub_api.get(URL).json()["results"]] == [created.json()["id"]]
    assert created.json()["id"] in [c["id"] for c in api.get(URL).json()["results"]]
