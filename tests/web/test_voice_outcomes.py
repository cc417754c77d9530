"""Voice: each call outcome in words under its own reason (busy and rejected calls are not
"no_answer (...)"), in the messages table and the charts."""

from __future__ import annotations

import pytest

from campaigns.models import Campaign, Message, StatusCount
from campaigns.services.outcomes import call_outcome_label, failure_reason

CALLS = [
    ("undelivered", "no_answer", "BUSY", "busy"),
    ("undelivered", "no_answer", "BUSY", "busy"),
    ("undelivered", "no_answer", "REJECTED", "rejected"),
    ("undelivered", "no_answer", "UNANSWERED", "unanswered"),
    ("delivered", "", "", "answered"),
    ("failed", "invalid_number", "", ""),
]


@pytest.fixture
def voice_campaign(world, draft):
    Campaign.objects.filter(pk=draft.pk).update(channel="voice", status="completed")
    for i, (status, code, raw, outcome) in enumerate(CALLS):
        Message.objects.create(
            account=world.account,
            subaccount=world.subaccount,
            campaign=draft,
            connection=draft.connection,
            channel="voice",
            to=f"+92300123450{i}",
            status=status,
            error_code=code,
            error_raw=raw,
            call_outcome=outcome,
        )
    for status in {row[0] for row in CALLS}:  # the page reads its counts from the count rows
        count = sum(1 for row in CALLS if row[0] == status)
        StatusCount.objects.create(account=world.account, campaign=draft, status=status, count=count)
    return Campaign.objects.get(pk=draft.pk)


@pytest.mark.parametrize(
    ("code", "outcome", "shown"),
    [
        ("no_answer", "busy", "Line busy"),
        ("no_answer", "rejected", "Call rejected"),
        ("no_answer", "unanswered", "Not answered"),
        ("invalid_number", "", "invalid_number"),
        ("no_answer", "", "no_answer"),
    ],
)
def test_failure_reason(code, outcome, shown):
    assert failure_reason(code, outcome) == shown


def test_unknown_outcomes_are_shown_as_they_are():
    assert call_outcome_label("voicemail_full") == "Voicemail full"


def test_errors_chart_and_outcomes_chart_use_words(marketer_client, voice_campaign):
    stats = marketer_client.get(f"/campaigns/{voice_campaign.pk}/stats.json").json()
    assert stats["errors"] == [["Line busy", 2], ["Call rejected", 1], ["Not answered", 1], ["invalid_number", 1]]
    assert dict(stats["voice_outcomes"]) == {"Line busy": 2, "Call rejected": 1, "Not answered": 1, "Answered": 1}


def test_messages_table_shows_the_call_outcome_as_the_reason(marketer_client, voice_campaign):
    html = marketer_client.get(f"/campaigns/{voice_campaign.pk}/").content.decode()
    assert 'Line busy <span class="muted">(BUSY)</span>' in html and "Call rejected" in html
    assert "no_answer" not in html
