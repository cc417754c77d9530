"""Segment conditions against a seeded account: every operator, every engagement condition,
AND/OR groups, validation messages, and a campaign to a segment."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import (
    ConsentRecord,
    Contact,
    ContactList,
    InboundMessage,
    ListMembership,
    Message,
    Segment,
    Subscription,
    Suppression,
)
from campaigns.services.audience import audience_summary
from campaigns.services.materialize import materialize
from campaigns.services.segments import SegmentError, clean_conditions, matching_contacts
from tests.conftest import make_connection
from tests.engine.conftest import make_campaign

PEOPLE = {
    # name: (phone, attributes)
    "ana": ("+923001000011", {"tier": "Gold", "score": 42, "joined": "2026-11-20", "city": "Lahore"}),
    "ben": ("+923001000021", {"tier": "silver", "score": "7.5", "joined": "2025-01-05"}),
    "cal": ("+447700900031", {"tier": "gold plus", "score": "n/a", "joined": "not a date"}),
    "dan": ("+14155550041", {"score": 100, "joined": "2026-11-29T10:00:00"}),
    "eve": ("+923451000051", {"tier": ""}),
}


@pytest.fixture
def seeded(engine_world):
    w = engine_world
    c = {
        name: Contact.objects.create(account=w.account, phone=phone, first_name=name.title(), attributes=attrs)
        for name, (phone, attrs) in PEOPLE.items()
    }
    c["eve"].network, c["eve"].network_country = "Zong", "AE"  # a ported number: the lookup wins over +92
    c["eve"].save()
    vip = ContactList.objects.create(account=w.account, name="VIP")
    ListMembership.objects.bulk_create([ListMembership(contact_list=vip, contact=c[n]) for n in ("ana", "cal")])
    w.vip = vip
    w.c = c
    return w


def names(world, conditions) -> list[str]:
    cleaned = clean_conditions(world.account, conditions)
    return sorted(c.first_name.lower() for c in matching_contacts(world.account, cleaned))


def rule(field, op, value=None) -> dict:
    return {"match": "all", "groups": [{"match": "all", "rules": [{"field": field, "op": op, "value": value}]}]}


@pytest.mark.parametrize(
    "field,op,value,expected",
    [
        ("first_name", "equals", "ANA", ["ana"]),
        ("first_name", "not_equals", "ana", ["ben", "cal", "dan", "eve"]),
        ("first_name", "contains", "a", ["ana", "cal", "dan"]),
        ("first_name", "not_contains", "a", ["ben", "eve"]),
        ("phone", "starts_with", "+44", ["cal"]),
        ("first_name", "in", ["ben", "Dan"], ["ben", "dan"]),
        ("last_name", "empty", None, ["ana", "ben", "cal", "dan", "eve"]),
        ("network", "not_empty", None, ["eve"]),
        ("attr:tier", "equals", "gold", ["ana"]),
        ("attr:tier", "not_equals", "gold", ["ben", "cal", "dan", "eve"]),
        ("attr:tier", "contains", "gold", ["ana", "cal"]),
        ("attr:tier", "in", "silver, gold", ["ana", "ben"]),
        ("attr:tier", "empty", None, ["dan", "eve"]),
        ("attr:tier", "not_empty", None, ["ana", "ben", "cal"]),
        ("attr:score", "gt", 42, ["dan"]),
        ("attr:score", "gte", "42", ["ana", "dan"]),
        ("attr:score", "lt", 42, ["ben"]),
        ("attr:score", "lte", 7.5, ["ben"]),
        ("attr:score", "between", [5, 50], ["ana", "ben"]),
        ("attr:score", "equals", "42", ["ana"]),
        ("attr:joined", "before", "2026-01-01", ["ben"]),
        ("attr:joined", "after", "2026-11-20", ["dan"]),
        ("attr:joined", "within_days", 30, ["ana", "dan"]),
        ("attr:city", "equals", "lahore", ["ana"]),
        ("country", "in", ["PK"], ["ana", "ben"]),
        ("country", "in", ["gb", "AE"], ["cal", "eve"]),
        ("country", "not_in", ["PK"], ["cal", "dan", "eve"]),
    ],
)
def test_contact_fields_and_custom_attributes(seeded, field, op, value, expected, settings):
    settings.TIME_ZONE = "UTC"
    now = timezone.now()
    if op == "within_days":  # relative to today
        Contact.objects.filter(pk=seeded.c["ana"].pk).update(
            attributes={**PEOPLE["ana"][1], "joined": (now - timedelta(days=3)).date().isoformat()}
        )
        Contact.objects.filter(pk=seeded.c["dan"].pk).update(attributes={"joined": now.date().isoformat() + "T01:00:00"})
    assert names(seeded, rule(field, op, value)) == expected


def test_list_membership(seeded):
    assert names(seeded, rule("list", "in", [seeded.vip.pk])) == ["ana", "cal"]
    assert names(seeded, rule("list", "not_in", [seeded.vip.pk])) == ["ben", "dan", "eve"]


def test_subscription_consent_and_opt_out(seeded):
    w, c = seeded, seeded.c
    conn = make_connection(w.account, "vappstore", name="app")
    Subscription.objects.create(account=w.account, contact=c["ana"], connection=conn, status="registered", since=timezone.now())
    Subscription.objects.create(account=w.account, contact=c["ben"], connection=conn, status="unregistered", since=timezone.now())
    assert names(w, rule("subscription", "is", "registered")) == ["ana"]
    assert names(w, rule("subscription", "is", "unregistered")) == ["ben"]
    assert names(w, rule("subscription", "is", "none")) == ["cal", "dan", "eve"]
    ConsentRecord.objects.create(account=w.account, contact=c["cal"], status="opted_in", source="import")
    ConsentRecord.objects.create(account=w.account, contact=c["cal"], status="opted_out", source="keyword")  # latest wins
    ConsentRecord.objects.create(account=w.account, contact=c["dan"], status="opted_in", source="import")
    assert names(w, rule("consent", "is", "opted_out")) == ["cal"]
    assert names(w, rule("consent", "is", "opted_in")) == ["dan"]
    assert names(w, rule("consent", "is", "unknown")) == ["ana", "ben", "eve"]
    Suppression.objects.create(account=w.account, phone=c["cal"].phone, reason="opt_out")
    Suppression.objects.create(account=w.account, phone=c["dan"].phone, reason="blocked")
    assert names(w, rule("opted_out", "is", "yes")) == ["cal"]
    assert names(w, rule("opted_out", "is", "no")) == ["ana", "ben", "dan", "eve"]
    assert names(w, rule("suppressed", "is", "yes")) == ["cal", "dan"]


def _message(world, contact, campaign=None, *, status, days_ago, **extra):
    when = timezone.now() - timedelta(days=days_ago)
    stamps = {"submitted_at": when}
    if status == "delivered":
        stamps["delivered_at"] = when
    if status in ("failed", "undelivered"):
        stamps["failed_at"] = when
    return Message.objects.create(
        account=world.account, campaign=campaign, contact=contact, connection=world.connection, to=contact.phone, status=status,
        **stamps, **extra,
    )  # fmt: skip


@pytest.fixture
def engaged(seeded):
    w, c = seeded, seeded.c
    w.spring = make_campaign(w, name="Spring", status="completed")
    w.autumn = make_campaign(w, name="Autumn", status="completed")
    _message(w, c["ana"], w.spring, status="delivered", days_ago=2)
    _message(w, c["ben"], w.spring, status="undelivered", days_ago=3)
    _message(w, c["cal"], w.spring, status="delivered", days_ago=40)
    _message(w, c["cal"], w.autumn, status="sent", days_ago=20)
    _message(w, c["dan"], w.autumn, status="failed", days_ago=50)
    _message(w, c["eve"], w.spring, status="pending", days_ago=1)  # never handed over: not received
    reply = InboundMessage.objects.create(account=w.account, from_number=c["ben"].phone, contact=c["ben"], text="YES")
    InboundMessage.objects.filter(pk=reply.pk).update(received_at=timezone.now() - timedelta(days=1))
    old = InboundMessage.objects.create(account=w.account, from_number=c["cal"].phone, contact=c["cal"], text="hi")
    InboundMessage.objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(days=60))
    return w


@pytest.mark.parametrize(
    "field,op,days,expected",
    [
        ("received", "within_days", 7, ["ana", "ben"]),
        ("received", "within_days", 30, ["ana", "ben", "cal"]),
        ("received", "not_within_days", 30, ["dan", "eve"]),
        ("delivered", "within_days", 7, ["ana"]),
        ("delivered", "within_days", 45, ["ana", "cal"]),
        ("failed", "within_days", 7, ["ben"]),
        ("failed", "within_days", 90, ["ben", "dan"]),
        ("failed", "not_within_days", 7, ["ana", "cal", "dan", "eve"]),
        ("replied", "within_days", 7, ["ben"]),
        ("replied", "within_days", 90, ["ben", "cal"]),
        ("replied", "not_within_days", 7, ["ana", "cal", "dan", "eve"]),
        ("last_campaign", "within_days", 7, ["ana", "ben"]),
        ("last_campaign", "not_within_days", 30, ["dan", "eve"]),
    ],
)
def test_engagement_in_the_last_days(engaged, field, op, days, expected):
    assert names(engaged, rule(field, op, days)) == expected


def test_clicked_in_the_last_days_counts_people_not_bots(engaged):
    from campaigns.models.links import Click, ShortLink

    w, c = engaged, engaged.c

    def click(contact, days_ago, is_bot=False):
        message = Message.objects.filter(contact=contact).first()
        link = ShortLink.objects.create(
            account=w.account,
            campaign=w.spring,
            message=message,
            contact=contact,
            url="https://x.test/",
            code=f"c{contact.pk}{days_ago}{is_bot:d}",
        )
        Click.objects.create(
            link=link, account=w.account, campaign=w.spring, contact=contact, message=message,
            clicked_at=timezone.now() - timedelta(days=days_ago), is_bot=is_bot,
        )  # fmt: skip

    click(c["ana"], 1)
    click(c["cal"], 20)
    click(c["ben"], 1, is_bot=True)  # a link preview fetcher, not ben
    assert names(w, rule("clicked", "within_days", 7)) == ["ana"]
    assert names(w, rule("clicked", "within_days", 30)) == ["ana", "cal"]
    assert names(w, rule("clicked", "not_within_days", 7)) == ["ben", "cal", "dan", "eve"]


def test_campaigns_received_and_last_campaign(engaged):
    w = engaged
    assert names(w, rule("campaign", "in", [w.spring.pk])) == ["ana", "ben", "cal"]
    # dan's autumn message failed before a provider took it: he did not receive it.
    assert names(w, rule("campaign", "not_in", [w.autumn.pk])) == ["ana", "ben", "dan", "eve"]
    assert names(w, rule("last_campaign", "is", w.autumn.pk)) == ["cal"]  # cal's spring message is older
    assert names(w, rule("last_campaign", "is", w.spring.pk)) == ["ana", "ben"]


def test_and_or_groups(seeded):
    w = seeded
    gold = {"field": "attr:tier", "op": "contains", "value": "gold"}
    pk = {"field": "country", "op": "in", "value": ["PK"]}
    us = {"field": "phone", "op": "starts_with", "value": "+1"}
    both = {"match": "all", "groups": [{"match": "all", "rules": [gold, pk]}]}
    either = {"match": "all", "groups": [{"match": "any", "rules": [gold, pk]}]}
    assert names(w, both) == ["ana"]
    assert names(w, either) == ["ana", "ben", "cal"]
    # (gold AND PK) OR (+1)
    assert names(w, {"match": "any", "groups": [{"match": "all", "rules": [gold, pk]}, {"match": "all", "rules": [us]}]}) == ["ana", "dan"]
    # (gold OR PK) AND (not VIP)
    not_vip = {"field": "list", "op": "not_in", "value": [w.vip.pk]}
    assert names(w, {"match": "all", "groups": [{"match": "any", "rules": [gold, pk]}, {"match": "all", "rules": [not_vip]}]}) == ["ben"]


def test_validation_names_each_bad_rule(seeded, engine_world):
    other_list = ContactList.objects.create(account=engine_world.other_account, name="Theirs")
    bad = {
        "match": "all",
        "groups": [
            {
                "match": "all",
                "rules": [{"field": "shoe_size", "op": "equals", "value": "9"}, {"field": "attr:score", "op": "gt", "value": "lots"}],
            },
            {"match": "sometimes", "rules": [{"field": "list", "op": "in", "value": [other_list.pk]}]},
            {"match": "any", "rules": [{"field": "received", "op": "within_days", "value": 0}]},
        ],
    }
    with pytest.raises(SegmentError) as err:
        clean_conditions(seeded.account, bad)
    problems = err.value.problems
    assert "Group 1, rule 1: unknown field “shoe_size”." in problems
    assert "Group 1, rule 2 (Score >): “lots” is not a number." in problems
    assert 'Group 2: "match" must be "all" or "any".' in problems
    assert f"Group 2, rule 1 (List membership is one of): no such list: {other_list.pk}." in problems
    assert "Group 3, rule 1 (Received a message in the last N days): the number of days must be between 1 and 3650." in problems
    for junk in (None, [], {"groups": []}, {"groups": [{"rules": []}]}, {"groups": ["x"]}):
        with pytest.raises(SegmentError):
            clean_conditions(seeded.account, junk)


def test_campaign_to_a_segment_reaches_its_members_minus_suppressions(seeded):
    w = seeded
    gold = Segment.objects.create(account=w.account, name="Gold", conditions=rule("attr:tier", "contains", "gold"))
    pk = Segment.objects.create(account=w.account, name="Pakistan", conditions=rule("country", "in", ["PK"]))
    Suppression.objects.create(account=w.account, phone=w.c["cal"].phone)  # gold, but suppressed
    spec = {"segments": [gold.pk, pk.pk], "exclude_segments": [], "lists": []}
    summary = audience_summary(w.account, spec)
    # gold: ana, cal; Pakistan: ana, ben (eve's number is +92 but ported to an AE network).
    assert (summary.total, summary.duplicate, summary.suppressed, summary.recipients) == (4, 1, 1, 2)
    campaign = make_campaign(w, audience=spec)
    assert materialize(campaign) == 2
    assert sorted(Message.objects.filter(campaign=campaign).values_list("to", flat=True)) == [w.c["ana"].phone, w.c["ben"].phone]
    # Lists and segments together, less an excluded segment.
    spec = {"lists": [w.vip.pk], "segments": [pk.pk], "exclude_segments": [gold.pk]}
    summary = audience_summary(w.account, spec)
    assert (summary.excluded, summary.recipients) == (2, 1)  # ana and cal are gold: ben is left
    # Another account's segment selects nobody.
    theirs = Segment.objects.create(account=w.other_account, name="All", conditions=rule("phone", "not_empty"))
    assert audience_summary(w.account, {"segments": [theirs.pk]}).recipients == 0


def test_summary_counts_match_one_count_per_reason(seeded):
    """The summary's counts (one pass on PostgreSQL) agree with a count per reason, with an
    excluded segment that is neither true nor false for some contacts (no such attribute)."""
    from campaigns.services.audience import _excluded_filter, _included, _tally

    w = seeded
    high = Segment.objects.create(account=w.account, name="High", conditions=rule("attr:score", "gt", 50))
    bad = Contact.objects.create(account=w.account, phone="0300-BAD", attributes={"score": 1})
    ListMembership.objects.create(contact_list=w.vip, contact=bad)
    Suppression.objects.create(account=w.account, phone=w.c["ana"].phone)
    everyone = Segment.objects.create(account=w.account, name="All", conditions=rule("phone", "not_empty"))
    spec = {"lists": [w.vip.pk], "segments": [everyone.pk], "exclude_segments": [high.pk]}
    summary = audience_summary(w.account, spec)
    # 6 contacts (3 of them also in VIP); dan (score 100) left out; ana suppressed; the bad number.
    assert (summary.total, summary.duplicate, summary.excluded) == (9, 3, 1)
    assert (summary.suppressed, summary.invalid, summary.recipients) == (1, 1, 3)  # ben, cal, eve
    included, excluded_q = _included(w.account, spec, None), _excluded_filter(w.account, spec)
    distinct = summary.total - summary.duplicate
    assert (distinct, summary.excluded, summary.suppressed, summary.invalid) == _tally(w.account, included, excluded_q)
