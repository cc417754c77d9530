"""Wavy carrier/lookup reached by a user: from a list's page and the API (on demand), after
an import and before a campaign (where the connection enables them); the network is stored
on each contact and shown, and the campaign's messages carry it for the network breakdown."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from campaigns.models import Campaign, Contact, ContactList, Message
from tests.conftest import login
from tests.e2e.conftest import compose, page_and_stats, run
from tests.engine.conftest import add_contacts

NUMBERS = ["+5511987650012", "+5511987650013", "+5511987650000"]  # the last is not a mobile number


def lookups(demo) -> list[dict]:
    return [json.loads(r.read()) for r in demo.transport.to("wavy") if r.url.path.endswith("/v1/carrier/lookup")]


def test_list_page_looks_up_its_numbers(demo):
    contact_list = add_contacts(demo.account, NUMBERS, list_name="Brazil")
    client = login(demo.world.marketer)
    assert "Look up carriers" in client.get(f"/lists/{contact_list.pk}/").content.decode()

    response = client.post(f"/lists/{contact_list.pk}/carrier-lookup/")

    assert response.status_code == 302
    [request] = lookups(demo)
    assert sorted(request["destinations"]) == sorted(n.lstrip("+") for n in NUMBERS)
    people = {c.phone: c for c in Contact.objects.filter(phone__in=NUMBERS)}
    assert people[NUMBERS[0]].network and people[NUMBERS[0]].network_country == "BR" and people[NUMBERS[0]].network_active
    assert people[NUMBERS[2]].network_active is False and people[NUMBERS[2]].network_checked_at
    page = client.get(f"/lists/{contact_list.pk}/").content.decode()
    assert people[NUMBERS[0]].network in page and "inactive" in page
    assert people[NUMBERS[0]].network in client.get(f"/contacts/{people[NUMBERS[0]].pk}/").content.decode()


def test_api_queues_a_list_lookup(demo):
    from campaigns.models import ApiKey
    from tests.api.conftest import Api

    contact_list = add_contacts(demo.account, NUMBERS[:1], list_name="API")
    _, raw = ApiKey.generate(account=demo.account, name="server", created_by=demo.world.admin)

    response = Api(raw).post(f"/api/v1/lists/{contact_list.pk}/carrier-lookup")

    assert response.status_code == 202 and response.json()["connection"] == demo.connections["wavy"].pk
    [found] = Api(raw).get("/api/v1/contacts", {"phone": NUMBERS[0]}).json()["results"]
    assert found["network"] and found["network_country"] == "BR" and found["network_checked_at"]


def test_viewer_and_outsider_cannot_start_a_lookup(demo):
    contact_list = add_contacts(demo.account, NUMBERS[:1], list_name="Guarded")
    assert login(demo.world.viewer).post(f"/lists/{contact_list.pk}/carrier-lookup/").status_code == 403
    assert login(demo.world.outsider).post(f"/lists/{contact_list.pk}/carrier-lookup/").status_code == 404
    assert lookups(demo) == []


@pytest.mark.parametrize("pin", [True, False], ids=["named-connection", "routed"])
def test_before_a_campaign_when_enabled_and_the_breakdown_uses_it(demo, pin):
    conn = demo.connections["wavy"]
    conn.settings = {"carrier_lookup_before_send": True}
    conn.save()
    campaign = compose(
        demo,
        {"name": "Looked up", "channel": "sms", "connection": conn.pk},
        sender=demo.senders["sms"],
        pin=pin,
        content={"text": "Oi"},
        numbers=NUMBERS[:2],
        list_name="Before send",
    )
    assert (campaign.connection_id is not None) == pin
    campaign = run(demo, campaign, rounds=0)  # no callbacks: the network must come from the lookup

    assert len(lookups(demo)) == 1
    networks = set(Message.objects.filter(campaign=campaign).values_list("network", flat=True))
    assert "" not in networks
    _, stats = page_and_stats(demo, Campaign.objects.get(pk=campaign.pk))
    assert {row[0] for row in stats["networks"]} == networks


def test_after_an_import_when_enabled(demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    conn = demo.connections["wavy"]
    conn.settings = {"carrier_lookup_on_import": True}
    conn.save()
    target = ContactList.objects.create(account=demo.account, name="Imported")
    client = login(demo.world.marketer)
    upload = SimpleUploadedFile("c.csv", ("phone\n" + "\n".join(NUMBERS[:2]) + "\n").encode(), content_type="text/csv")
    job_url = client.post("/contacts/import/", {"file": upload})["Location"]

    client.post(job_url, {"col_0": "phone", "contact_list": target.pk})

    assert len(lookups(demo)) == 1
    assert all(Contact.objects.filter(phone__in=NUMBERS[:2]).values_list("network_checked_at", flat=True))
