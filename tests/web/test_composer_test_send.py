"""Test sends from the review: rendered exactly as the campaign renders for a contact (the one
with the test number, a chosen sample, else the audience's first), sent through the campaign's
send path to the provider, recorded as a test, and their status timeline served as JSON."""

from __future__ import annotations

import pytest
from django.test import Client

from campaigns.models import Message
from campaigns.services.counts import campaign_counts

TEST_NUMBER = "+923001234512"  # second-last digit 1: the simulator delivers it


@pytest.fixture
def vt_requests(simulators) -> list[dict]:
    """Every request the VT simulator received, as its merged parameters."""
    sim = simulators["vt"]
    seen: list[dict] = []
    original = sim.handle

    def handle(request):
        seen.append(request.params())
        return original(request)

    sim.handle = handle
    return seen


def send(client, draft, **data):
    return client.post(f"/campaigns/{draft.pk}/test/", {"to": TEST_NUMBER, **data}, follow=True)


def test_test_send_is_personalised_and_its_timeline_reaches_delivered(marketer_client, draft, contacts, simulators, vt_requests):
    draft.text = 'Hi {{ first_name }} in {{ city }}, spring sale! {{ last_name|default:"-" }}'
    draft.save()
    page = send(marketer_client, draft, sample=contacts[2].phone).content.decode()
    assert f"Test queued to {TEST_NUMBER}" in page

    message = Message.objects.get(to=TEST_NUMBER)
    assert message.text == "Hi Name2 in Lahore, spring sale! -"
    assert message.test_of_id == draft.pk and message.campaign_id is None and message.is_test
    sent = [r for r in vt_requests if TEST_NUMBER.lstrip("+") in str(r) or TEST_NUMBER in str(r)]
    assert sent and "Hi Name2 in Lahore, spring sale! -" in str(sent[0])

    timeline = marketer_client.get(f"/campaigns/{draft.pk}/tests.json").json()
    assert [t["id"] for t in timeline["tests"]] == [message.pk]
    assert timeline["tests"][0]["status"] == "submitted" and not timeline["done"]
    assert [s["label"] for s in timeline["tests"][0]["steps"]] == ["Queued", "Submitted to the provider"]

    simulators.deliver(Client())
    timeline = marketer_client.get(f"/campaigns/{draft.pk}/tests.json").json()
    test = timeline["tests"][0]
    assert (test["status"], test["ok"], timeline["done"]) == ("delivered", True, True)
    assert test["steps"][-1]["label"] == "Delivered" and test["text"] == message.text
    assert campaign_counts(draft)["total"] == 0  # a test is in none of the campaign's figures


def test_test_send_to_a_known_contact_uses_that_contact(marketer_client, world, draft, contacts, simulators):
    contacts[3].phone = TEST_NUMBER
    contacts[3].save()
    send(marketer_client, draft, sample=contacts[1].phone)
    message = Message.objects.get(to=TEST_NUMBER)
    assert message.text == "Hi Name3, 20% off today" and message.contact_id == contacts[3].pk


def test_test_send_without_sample_uses_the_first_audience_contact(marketer_client, draft, contacts, simulators):
    send(marketer_client, draft)
    assert Message.objects.get(to=TEST_NUMBER).text == "Hi Name0, 20% off today"


def test_test_send_refused_with_a_bad_placeholder_or_unknown_sample(marketer_client, draft, contacts, simulators):
    draft.text = "Hi {{ firstname }}"
    draft.save()
    page = send(marketer_client, draft).content.decode()
    assert "Test not sent: Unknown placeholder {{ firstname }}" in page
    draft.text = "Hi {{ first_name }}"
    draft.save()
    assert "no contact has the number +923001234599" in send(marketer_client, draft, sample="+923001234599").content.decode()
    assert not Message.objects.exists()


def test_tests_json_access(marketer_client, viewer_client, outsider_client, draft):
    assert marketer_client.get(f"/campaigns/{draft.pk}/tests.json").json() == {"tests": [], "done": True}
    assert viewer_client.get(f"/campaigns/{draft.pk}/tests.json").status_code == 403
    assert outsider_client.get(f"/campaigns/{draft.pk}/tests.json").status_code == 404
    assert viewer_client.post(f"/campaigns/{draft.pk}/test/", {"to": TEST_NUMBER}).status_code == 403
