"""The campaign page: live counts JSON, chart data, messages table, CSV export, and the
lifecycle buttons (pause, resume, cancel, duplicate, resend to failed) with their roles."""

import csv
import io
from decimal import Decimal

import pytest
from django.test import Client

from campaigns.models import Campaign, Contact, ListMembership, Message, Price, StatusCount
from campaigns.services.campaigns import launch
from campaigns.services.ledger import top_up


@pytest.fixture
def launched(world, simulators, draft, contact_list):
    """The draft sent to 5 contacts plus one whose number the simulator reports undelivered."""
    failing = Contact.objects.create(account=world.account, phone="+923001234529", first_name="Fail")
    ListMembership.objects.create(contact_list=contact_list, contact=failing)
    Price.objects.create(account=world.account, channel="sms", prefix="", amount=Decimal("0.01"))
    top_up(world.account, Decimal("10"))
    draft.connection.set_credentials({"apikey": "acme-key"})
    draft.connection.save()
    launch(draft, world.marketer)
    simulators.deliver(Client())
    draft.refresh_from_db()
    return draft


def test_counts_json_and_page(marketer_client, launched):
    data = marketer_client.get(f"/campaigns/{launched.pk}/counts.json").json()
    assert data["counts"]["delivered"] == 5 and data["counts"]["undelivered"] == 1 and data["counts"]["total"] == 6
    expected = {"total": 6, "final": 6, "percent": 100, "delivered": 5, "delivery_rate": 83.3, "failed": 1, "outcomes": 6}
    assert {k: data["progress"][k] for k in expected} == expected
    page = marketer_client.get(f"/campaigns/{launched.pk}/")
    html = page.content.decode()
    assert "+923001234529" in html and "undelivered" in html
    assert "Resend to failed (1)</a>" in html and "chart.js-4.6.1/chart.umd.min.js" in html
    listed = marketer_client.get("/campaigns/").content.decode()
    assert launched.name in listed and "83.3%" in listed


def test_messages_table_filters_by_status(marketer_client, launched):
    page = marketer_client.get(f"/campaigns/{launched.pk}/", {"status": "undelivered"})
    assert [m.to for m in page.context["page"].items] == ["+923001234529"]
    message = page.context["page"].items[0]
    assert message.provider_message_id and message.error_code


def test_stats_json_feeds_the_charts(marketer_client, launched):
    stats = marketer_client.get(f"/campaigns/{launched.pk}/stats.json").json()
    assert stats["funnel"][0] == ["Recipients", 6] and stats["funnel"][-1] == ["Delivered", 5]
    assert sum(n for _, n in stats["over_time"]) == 5
    assert [n for _, n in stats["errors"]] == [1]
    assert set(stats) >= {"networks", "cost_by_network", "voice_outcomes", "dtmf", "ussd_answers", "statuses"}


def test_csv_export_streams_every_message(marketer_client, launched):
    response = marketer_client.get(f"/campaigns/{launched.pk}/messages.csv")
    assert response.streaming and response["Content-Type"] == "text/csv"
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 6
    assert {r["status"] for r in rows} == {"delivered", "undelivered"}
    assert all(r["provider_message_id"] for r in rows)


def test_pause_resume_cancel(marketer_client, world, draft):
    Campaign.objects.filter(pk=draft.pk).update(status="running")
    marketer_client.post(f"/campaigns/{draft.pk}/pause/")
    draft.refresh_from_db()
    assert draft.status == "paused" and "marketer@acme.test" in draft.status_reason
    marketer_client.post(f"/campaigns/{draft.pk}/resume/")
    draft.refresh_from_db()
    assert draft.status in ("running", "scheduled", "completed")
    Campaign.objects.filter(pk=draft.pk).update(status="paused")
    marketer_client.post(f"/campaigns/{draft.pk}/cancel/")
    draft.refresh_from_db()
    assert draft.status == "cancelled"
    response = marketer_client.post(f"/campaigns/{draft.pk}/pause/", follow=True)
    assert "cannot be paused" in response.content.decode()


def test_duplicate_and_resend_failed(marketer_client, launched):
    response = marketer_client.post(f"/campaigns/{launched.pk}/duplicate/")
    copy = Campaign.objects.exclude(pk=launched.pk).get(name__startswith="Copy of")
    assert response["Location"] == f"/campaigns/{copy.pk}/edit/review/" and copy.status == "draft" and copy.text == launched.text
    response = marketer_client.post(f"/campaigns/{launched.pk}/resend-failed/")
    assert response["Location"] == f"/campaigns/{launched.pk}/resend/"  # the number first, nothing made yet
    assert not Campaign.objects.filter(name__startswith="Resend failed").exists()
    marketer_client.post(f"/campaigns/{launched.pk}/resend/")
    resend = Campaign.objects.get(name__startswith="Resend failed")
    estimate = marketer_client.get(f"/campaigns/{resend.pk}/estimate.json").json()
    assert estimate["audience"]["recipients"] == 1


def test_viewer_reads_but_cannot_act(viewer_client, launched):
    assert viewer_client.get(f"/campaigns/{launched.pk}/").status_code == 200
    assert viewer_client.get(f"/campaigns/{launched.pk}/counts.json").status_code == 200
    assert viewer_client.get(f"/campaigns/{launched.pk}/messages.csv").status_code == 200
    for action in ("pause", "resume", "cancel", "duplicate", "resend-failed", "delete"):
        assert viewer_client.post(f"/campaigns/{launched.pk}/{action}/").status_code == 403
    html = viewer_client.get(f"/campaigns/{launched.pk}/").content.decode()
    assert "pause-button" not in html and "Duplicate" not in html


def test_other_account_gets_404(outsider_client, marketer_client, launched, foreign):
    for path in ("/", "/counts.json", "/stats.json", "/messages.csv"):
        assert outsider_client.get(f"/campaigns/{launched.pk}{path}").status_code == 404
    assert outsider_client.post(f"/campaigns/{launched.pk}/pause/").status_code == 404
    assert marketer_client.get(f"/campaigns/{foreign['campaign'].pk}/").status_code == 404
    assert Message.objects.filter(campaign=launched).count() == 6


def test_actions_need_post(marketer_client, draft):
    assert marketer_client.get(f"/campaigns/{draft.pk}/pause/")["Location"] == f"/campaigns/{draft.pk}/"


def test_delete_only_drafts(marketer_client, draft):
    Campaign.objects.filter(pk=draft.pk).update(status="completed")
    marketer_client.post(f"/campaigns/{draft.pk}/delete/")
    assert Campaign.objects.filter(pk=draft.pk).exists()
    Campaign.objects.filter(pk=draft.pk).update(status="draft")
    marketer_client.post(f"/campaigns/{draft.pk}/delete/")
    assert not Campaign.objects.filter(pk=draft.pk).exists()


def test_voice_outcomes_dtmf_and_ussd_answers_in_the_stats(marketer_client, world, vt_connection):
    from campaigns.models import UssdSession

    voice = Campaign.objects.create(
        account=world.account, subaccount=world.subaccount, name="Calls", channel="voice", connection=vt_connection
    )
    outcomes = [("answered", "1"), ("answered", "2"), ("answered", "1"), ("busy", ""), ("unanswered", "")]
    Message.objects.bulk_create(
        [
            Message(
                account=world.account,
                campaign=voice,
                connection=vt_connection,
                channel="voice",
                to=f"+92300123450{i}",
                status="delivered",
                call_outcome=o,
                call_dtmf=d,
            )
            for i, (o, d) in enumerate(outcomes)
        ]
    )
    stats = marketer_client.get(f"/campaigns/{voice.pk}/stats.json").json()
    assert stats["voice_outcomes"] == [["Answered", 3], ["Line busy", 1], ["Not answered", 1]]
    StatusCount.objects.create(account=world.account, campaign=voice, status="delivered", count=len(outcomes))
    assert stats["dtmf"] == [["1", 2], ["2", 1]]
    assert b"chart-dtmf" in marketer_client.get(f"/campaigns/{voice.pk}/").content

    menu = Campaign.objects.create(
        account=world.account, subaccount=world.subaccount, name="Menu", channel="ussd", connection=vt_connection
    )
    for i, answer in enumerate(["1", "2", "1"]):
        UssdSession.objects.create(
            account=world.account,
            campaign=menu,
            phone=f"+9230012345{i}",
            session_id=f"s{i}",
            answers=[{"step": 0, "question": "Pick", "answer": answer}],
        )
    stats = marketer_client.get(f"/campaigns/{menu.pk}/stats.json").json()
    assert stats["ussd_answers"] == [["Step 1: 1", 2], ["Step 1: 2", 1]]
    StatusCount.objects.create(account=world.account, campaign=menu, status="delivered", count=3)
    assert b"chart-ussd" in marketer_client.get(f"/campaigns/{menu.pk}/").content


def test_ussd_answers_are_shown_by_their_option_labels(marketer_client, world, vt_connection):
    from campaigns.models import UssdSession

    steps = [{"text": "Which offer?\n1. Data\n2. Minutes\n3. SMS", "options": {"1": "Data", "2": "Minutes", "3": "SMS"}}, {"text": "Bye"}]
    menu = Campaign.objects.create(
        account=world.account, subaccount=world.subaccount, name="Menu", channel="ussd", connection=vt_connection, content={"steps": steps}
    )
    answers = [
        {"step": 0, "question": "Which offer?", "answer": "3", "choice": "SMS"},  # as the engine records it
        {"step": 0, "question": "Which offer?", "answer": "3"},  # recorded before the step had options
        {"step": 0, "question": "Which offer?", "answer": "1"},
        {"step": 0, "question": "Which offer?", "answer": "9"},  # not on the menu
    ]
    for i, answer in enumerate(answers):
        UssdSession.objects.create(account=world.account, campaign=menu, phone=f"+9230012345{i}", session_id=f"s{i}", answers=[answer])
    stats = marketer_client.get(f"/campaigns/{menu.pk}/stats.json").json()
    assert stats["ussd_answers"] == [["Step 1: SMS (3)", 2], ["Step 1: 9", 1], ["Step 1: Data (1)", 1]]
    page = marketer_client.get(f"/campaigns/{menu.pk}/").content.decode()
    assert "Which offer?<br>1. Data<br>2. Minutes" in page
