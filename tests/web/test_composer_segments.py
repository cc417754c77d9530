"""Segments in the composer: picked next to lists, counted in the audience summary, named on
the review, and a launch reaches exactly the segment's members minus suppressions."""

from __future__ import annotations

from decimal import Decimal

from campaigns.models import Campaign, Contact, Message, Price, Segment, Suppression
from campaigns.services.ledger import top_up

CITY = {"match": "all", "groups": [{"match": "all", "rules": [{"field": "attr:city", "op": "equals", "value": "karachi"}]}]}


def test_segment_audience_from_pick_to_launch(marketer_client, world, draft, contacts, contact_list, simulators):
    Price.objects.create(account=world.account, channel="sms", prefix="", amount=Decimal("0.01"))
    top_up(world.account, Decimal("50"))
    karachi = [Contact.objects.create(account=world.account, phone=f"+92300765430{i}", attributes={"city": "Karachi"}) for i in range(3)]
    Suppression.objects.create(account=world.account, phone=karachi[0].phone)
    segment = Segment.objects.create(account=world.account, name="Karachi", conditions=CITY)
    Segment.objects.create(account=world.other_account, name="Theirs", conditions=CITY)

    page = marketer_client.get(f"/campaigns/{draft.pk}/edit/audience/").content.decode()
    assert "Karachi" in page and "Theirs" not in page
    refused = marketer_client.post(f"/campaigns/{draft.pk}/edit/audience/", {})
    assert "Choose at least one list or segment." in refused.content.decode()
    counted = marketer_client.get("/campaigns/compose/audience.json", {"segments": [segment.pk], "lists": [contact_list.pk]}).json()
    assert (counted["total"], counted["suppressed"], counted["recipients"]) == (8, 1, 7)

    response = marketer_client.post(f"/campaigns/{draft.pk}/edit/audience/", {"segments": [segment.pk]})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.audience == {"lists": [], "exclude_lists": [], "segments": [segment.pk]}
    marketer_client.post(f"/campaigns/{draft.pk}/edit/schedule/", {"when": "now", "timezone": "Asia/Karachi"})
    review = marketer_client.get(f"/campaigns/{draft.pk}/edit/review/").content.decode()
    assert "Segments: Karachi" in review
    assert "(+923007654301) gets it" in review  # the preview renders for the segment's first recipient
    assert marketer_client.get(f"/campaigns/{draft.pk}/estimate.json").json()["audience"]["recipients"] == 2

    marketer_client.post(f"/campaigns/{draft.pk}/launch/")
    draft.refresh_from_db()
    assert draft.status in (Campaign.Status.RUNNING, Campaign.Status.COMPLETED)
    assert sorted(Message.objects.filter(campaign=draft).values_list("to", flat=True)) == [karachi[1].phone, karachi[2].phone]
    assert (draft.recipients, draft.dropped_suppressed) == (2, 1)
