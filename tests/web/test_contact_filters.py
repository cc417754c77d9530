"""The contacts page: search finds custom attributes, segment and condition filters, CSV
export of what is found (formula-safe), "save as segment", and a bad filter is a message."""

from __future__ import annotations

import json

from campaigns.models import Contact, ContactField, ContactList, Segment

GOLD = {"match": "all", "groups": [{"match": "all", "rules": [{"field": "attr:tier", "op": "equals", "value": "gold"}]}]}


def seed(world):
    ContactField.objects.create(account=world.account, key="tier", label="Tier")
    ana = Contact.objects.create(account=world.account, phone="+923001111111", first_name="Ana", attributes={"tier": "Gold"})
    ben = Contact.objects.create(account=world.account, phone="+923002222222", first_name="=HYPERLINK(1)", attributes={"tier": "gold"})
    cal = Contact.objects.create(account=world.account, phone="+923003333333", first_name="Cal", attributes={"tier": "silver"})
    Contact.objects.create(account=world.other_account, phone="+923004444444", first_name="Gold", attributes={"tier": "gold"})
    return ana, ben, cal


def phones(response) -> list[str]:
    return sorted(c.phone for c in response.context["page"].items)


def test_search_matches_custom_attributes(marketer_client, world):
    ana, ben, cal = seed(world)
    assert phones(marketer_client.get("/contacts/", {"q": "gold"})) == [ana.phone, ben.phone]
    assert phones(marketer_client.get("/contacts/", {"q": "SILV"})) == [cal.phone]
    assert phones(marketer_client.get("/contacts/", {"q": "ana"})) == [ana.phone]


def test_segment_and_conditions_filter_export_and_save(marketer_client, world):
    ana, ben, _cal = seed(world)
    segment = Segment.objects.create(account=world.account, name="Gold", conditions=GOLD)
    assert phones(marketer_client.get("/contacts/", {"segment": segment.pk})) == [ana.phone, ben.phone]
    not_ana = {"match": "all", "groups": [{"match": "all", "rules": [{"field": "first_name", "op": "not_equals", "value": "ana"}]}]}
    page = marketer_client.get("/contacts/", {"segment": segment.pk, "conditions": json.dumps(not_ana)})
    assert phones(page) == [ben.phone]
    body = page.content.decode()
    assert 'id="save-as-segment"' in body and "/segments/new/?conditions=" in body and 'id="segment-builder"' in body

    export = marketer_client.get("/contacts/export.csv", {"segment": segment.pk, "conditions": json.dumps(not_ana)})
    lines = b"".join(export.streaming_content).decode().splitlines()
    assert export["Content-Type"] == "text/csv"
    assert lines[0] == "phone,first_name,last_name,tier,network,created_at"
    assert len(lines) == 2 and lines[1].startswith("+923002222222,'=HYPERLINK(1),,gold,,")  # a formula is defused
    everyone = b"".join(marketer_client.get("/contacts/export.csv").streaming_content).decode().splitlines()
    assert len(everyone) == 4  # header + this account's three

    saved = marketer_client.get("/segments/new/", {"conditions": json.dumps(not_ana)})
    assert b"not_equals" in saved.content  # the editor starts from the page's filter


def test_bad_filter_is_a_message_not_an_error(marketer_client, world):
    seed(world)
    for junk in ("{oops", json.dumps({"groups": [{"rules": [{"field": "shoe", "op": "equals", "value": 1}]}]})):
        page = marketer_client.get("/contacts/", {"conditions": junk})
        assert page.status_code == 200 and "Filter not applied" in page.content.decode()
    assert marketer_client.get("/contacts/", {"segment": "99999999999999999999"}).status_code == 200


def test_bulk_add_uses_the_filter_and_outsiders_see_nothing(marketer_client, outsider_client, world):
    ana, ben, _cal = seed(world)
    target = ContactList.objects.create(account=world.account, name="Gold list")
    marketer_client.post("/contacts/add-to-list/", {"target": target.pk, "conditions": json.dumps(GOLD)})
    assert sorted(target.contacts.values_list("phone", flat=True)) == [ana.phone, ben.phone]
    theirs = b"".join(outsider_client.get("/contacts/export.csv").streaming_content).decode()
    assert "+923004444444" in theirs and ana.phone not in theirs
