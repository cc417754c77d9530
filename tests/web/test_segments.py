"""The segment pages: build and save (errors name the bad rule), the live count, read-only
for viewers, 404 for outsiders."""

from __future__ import annotations

import json

from django.urls import reverse

from campaigns.models import Contact, Segment, Suppression

GOLD = {"match": "all", "groups": [{"match": "all", "rules": [{"field": "attr:tier", "op": "equals", "value": "gold"}]}]}


def seed(world) -> None:
    for i, tier in enumerate(["gold", "gold", "silver"]):
        Contact.objects.create(account=world.account, phone=f"+92300123450{i}", attributes={"tier": tier})
    Suppression.objects.create(account=world.account, phone="+923001234500")


def test_marketer_builds_and_edits_a_segment(marketer_client, world):
    page = marketer_client.get(reverse("segment_create"))
    assert page.status_code == 200 and b'id="segment-builder"' in page.content and b"segment-catalog" in page.content
    saved = marketer_client.post(reverse("segment_create"), {"name": "Gold", "conditions": json.dumps(GOLD)})
    segment = Segment.objects.get(name="Gold")
    assert saved.status_code == 302 and saved["Location"] == reverse("segment_detail", args=[segment.pk])
    assert segment.subaccount == world.subaccount and segment.created_by == world.marketer and segment.conditions == GOLD
    again = marketer_client.post(reverse("segment_detail", args=[segment.pk]), {"name": "Gold tier", "conditions": json.dumps(GOLD)})
    assert again.status_code == 302 and Segment.objects.get(pk=segment.pk).name == "Gold tier"
    assert "Gold tier" in marketer_client.get(reverse("segments")).content.decode()


def test_bad_rules_are_named_and_nothing_is_saved(marketer_client, world):
    bad = {"match": "all", "groups": [{"match": "all", "rules": [{"field": "attr:tier", "op": "between", "value": ["a", 3]}]}]}
    response = marketer_client.post(reverse("segment_create"), {"name": "", "conditions": json.dumps(bad)})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Give the segment a name." in body and "Group 1, rule 1 (Tier is between): “a” is not a number." in body
    assert marketer_client.post(reverse("segment_create"), {"name": "X", "conditions": "{not json"}).status_code == 400
    Segment.objects.create(account=world.account, name="Taken", conditions=GOLD)
    taken = marketer_client.post(reverse("segment_create"), {"name": "Taken", "conditions": json.dumps(GOLD)})
    assert taken.status_code == 400 and "already exists" in taken.content.decode()
    assert Segment.objects.count() == 1


def test_live_count(marketer_client, world):
    seed(world)
    Contact.objects.create(account=world.account, phone="0300 BAD", attributes={"tier": "gold"})  # matches, not reachable
    Suppression.objects.create(account=world.other_account, phone="+923001234501")  # another account's: no effect here
    answer = marketer_client.get(reverse("segment_count"), {"conditions": json.dumps(GOLD)}).json()
    assert (answer["contacts"], answer["recipients"]) == (3, 1)
    nobody = json.loads(json.dumps(GOLD).replace('"gold"', '"platinum"'))
    assert marketer_client.get(reverse("segment_count"), {"conditions": json.dumps(nobody)}).json()["contacts"] == 0
    refused = marketer_client.get(reverse("segment_count"), {"conditions": '{"groups": []}'})
    assert refused.status_code == 400 and refused.json()["errors"] == ["Add at least one group of rules."]
    assert marketer_client.get(reverse("segment_count")).status_code == 400


def test_viewer_reads_outsider_gets_404(viewer_client, outsider_client, world):
    segment = Segment.objects.create(account=world.account, name="Gold", conditions=GOLD)
    page = viewer_client.get(reverse("segment_detail", args=[segment.pk]))
    assert page.status_code == 200 and b'data-readonly="1"' in page.content and b"Save segment" not in page.content
    assert (
        viewer_client.post(reverse("segment_detail", args=[segment.pk]), {"name": "X", "conditions": json.dumps(GOLD)}).status_code == 403
    )
    assert viewer_client.post(reverse("segment_delete", args=[segment.pk])).status_code == 403
    assert viewer_client.get(reverse("segment_create")).status_code == 403
    assert outsider_client.get(reverse("segment_detail", args=[segment.pk])).status_code == 404
    assert outsider_client.post(reverse("segment_delete", args=[segment.pk])).status_code == 404
    assert Segment.objects.filter(pk=segment.pk, name="Gold").exists()
    assert outsider_client.get(reverse("segment_count"), {"conditions": json.dumps(GOLD)}).json()["contacts"] == 0


def test_delete(marketer_client, world):
    segment = Segment.objects.create(account=world.account, name="Gold", conditions=GOLD)
    assert marketer_client.post(reverse("segment_delete", args=[segment.pk])).status_code == 302
    assert not Segment.objects.exists()
