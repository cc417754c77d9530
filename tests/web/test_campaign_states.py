"""The campaign page by state: a plan before sending (recipients after suppressions with
reasons, estimate, send time and countdown; no tiles, no charts), tiles and a status
breakdown while sending, and "Completed" only once every message has its final outcome."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from campaigns.models import Campaign, Contact, ListMembership, Message, Price, StatusCount, Suppression


@pytest.fixture
def audience_with_gaps(world, draft, contact_list):
    """5 good contacts, plus one opted out and one with an invalid number."""
    opted = Contact.objects.create(account=world.account, phone="+923001234590", first_name="Opted")
    broken = Contact.objects.create(account=world.account, phone="12345", first_name="Broken")
    ListMembership.objects.bulk_create([ListMembership(contact_list=contact_list, contact=c) for c in (opted, broken)])
    Suppression.objects.create(account=world.account, phone=opted.phone)
    Price.objects.create(account=world.account, channel="sms", prefix="", amount=Decimal("0.0125"))
    return draft


def test_draft_shows_the_plan_and_no_chart_data(marketer_client, audience_with_gaps):
    response = marketer_client.get(f"/campaigns/{audience_with_gaps.pk}/")
    plan = response.context["plan"]
    assert plan["audience"].recipients == 5
    assert plan["audience"].suppressed == 1 and plan["audience"].invalid == 1 and plan["left_out"] == 2
    assert plan["estimate"] == Decimal("0.0625")
    assert plan["countdown_to"] == ""
    assert response.context["has_messages"] is False and "tiles" not in response.context
    html = response.content.decode()
    assert "What will happen when you launch" in html and "1</strong> opted out or blocked" in html
    assert "0.06 USD" in html and "As soon as you launch" in html
    assert "<canvas" not in html and "chart.umd.min.js" not in html and 'data-tile="' not in html


def test_scheduled_shows_send_time_in_the_viewers_and_campaigns_zones_and_a_countdown(marketer_client, world, audience_with_gaps):
    world.account.timezone = "Asia/Karachi"
    world.account.save()
    send_at = timezone.now().replace(microsecond=0) + dt.timedelta(hours=3)
    Campaign.objects.filter(pk=audience_with_gaps.pk).update(
        status="scheduled", send_at=send_at, timezone="America/New_York", estimated_cost=Decimal("0.07")
    )
    response = marketer_client.get(f"/campaigns/{audience_with_gaps.pk}/")
    plan = response.context["plan"]
    assert plan["countdown_to"] == send_at.isoformat() and plan["estimate"] == Decimal("0.07")
    html = response.content.decode()
    karachi = timezone.localtime(send_at, dt.timezone(dt.timedelta(hours=5))).strftime("%H:%M")
    new_york = send_at.astimezone(__import__("zoneinfo").ZoneInfo("America/New_York")).strftime("%H:%M")
    assert f"{karachi} PKT" in html and f"{new_york} E" in html and "America/New York" in html
    assert f'data-countdown-to="{send_at.isoformat()}"' in html and "0.07 USD" in html
    assert "<canvas" not in html


def test_scheduled_in_the_past_has_no_countdown(marketer_client, audience_with_gaps):
    Campaign.objects.filter(pk=audience_with_gaps.pk).update(status="scheduled", send_at=timezone.now() - dt.timedelta(minutes=1))
    assert marketer_client.get(f"/campaigns/{audience_with_gaps.pk}/").context["plan"]["countdown_to"] == ""


def test_cancelled_before_sending_says_nothing_was_sent(marketer_client, draft):
    Campaign.objects.filter(pk=draft.pk).update(status="cancelled")
    response = marketer_client.get(f"/campaigns/{draft.pk}/")
    assert "plan" not in response.context and "Nothing was sent." in response.content.decode()


def _sent(world, campaign, statuses: dict[str, int]) -> None:
    Campaign.objects.filter(pk=campaign.pk).update(status="completed", finished_at=timezone.now())
    for status, n in statuses.items():
        StatusCount.objects.create(account=world.account, campaign=campaign, status=status, count=n)


def test_completed_waits_for_delivery_reports(marketer_client, world, draft):
    _sent(world, draft, {"delivered": 60, "sent": 37, "undelivered": 3})
    response = marketer_client.get(f"/campaigns/{draft.pk}/")
    assert response.context["headline"] == {"label": "Sending finished", "badge": "running", "detail": "waiting for 37 delivery reports"}
    assert response.context["tiles"] == {"recipients": 100, "delivered": 60, "awaiting": 37, "not_delivered": 3, "cancelled": 0}
    html = response.content.decode()
    assert "Sending finished" in html and "Completed" not in html.split("</h1>")[1].split("</div>")[0]
    data = marketer_client.get(f"/campaigns/{draft.pk}/counts.json").json()
    assert data["headline"]["detail"] == "waiting for 37 delivery reports" and data["active"] is True

    StatusCount.objects.create(account=world.account, campaign=draft, status="sent", count=-37)
    StatusCount.objects.create(account=world.account, campaign=draft, status="delivered", count=37)
    assert marketer_client.get(f"/campaigns/{draft.pk}/").context["headline"]["label"] == "Completed"


def test_old_campaign_stops_waiting(marketer_client, world, draft):
    _sent(world, draft, {"delivered": 9, "sent": 1})
    Campaign.objects.filter(pk=draft.pk).update(finished_at=timezone.now() - dt.timedelta(days=4))
    headline = marketer_client.get(f"/campaigns/{draft.pk}/").context["headline"]
    assert headline["label"] == "Completed" and headline["detail"] == "1 message never got a final report"


def test_breakdown_uses_words_and_skips_zero_statuses(marketer_client, world, draft):
    _sent(world, draft, {"delivered": 8, "undelivered": 2})
    breakdown = marketer_client.get(f"/campaigns/{draft.pk}/").context["breakdown"]
    assert [(b["status"], b["label"], b["count"]) for b in breakdown] == [
        ("delivered", "Delivered", 8),
        ("undelivered", "Not delivered", 2),
    ]


def test_message_table_has_contact_names_and_zoned_times(marketer_client, world, draft, contacts):
    world.account.timezone = "Asia/Karachi"
    world.account.save()
    _sent(world, draft, {"delivered": 1})
    message = Message.objects.create(
        account=world.account, campaign=draft, contact=contacts[0], connection=draft.connection, to=contacts[0].phone, status="delivered"
    )
    Message.objects.filter(pk=message.pk).update(delivered_at=dt.datetime(2026, 11, 30, 12, 40, tzinfo=dt.UTC))
    html = marketer_client.get(f"/campaigns/{draft.pk}/").content.decode()
    assert "Name0" in html and "30 Nov 2026, 17:40 PKT" in html and "Times in Asia/Karachi (PKT)" in html
    assert f"/campaigns/{draft.pk}/messages/{message.pk}/timeline.json" in html


def test_csv_export_times_are_in_the_viewers_zone(marketer_client, world, draft):
    world.account.timezone = "Asia/Karachi"
    world.account.save()
    message = Message.objects.create(account=world.account, campaign=draft, connection=draft.connection, to="+923001234500")
    Message.objects.filter(pk=message.pk).update(created_at=dt.datetime(2026, 11, 30, 12, 40, tzinfo=dt.UTC))
    body = b"".join(marketer_client.get(f"/campaigns/{draft.pk}/messages.csv").streaming_content).decode()
    header, row = body.splitlines()[:2]
    assert "created_at (Asia/Karachi)" in header and "2026-11-30 17:40:00" in row


def test_lists_say_sending_finished_while_reports_are_due(marketer_client, world, draft):
    _sent(world, draft, {"delivered": 5, "sent": 2})
    for path in ("/campaigns/", "/"):
        html = marketer_client.get(path).content.decode()
        assert "Sending finished" in html and "waiting for 2 delivery reports" in html and "badge-completed" not in html


def test_running_before_its_messages_exist_shows_the_plan(marketer_client, draft):
    Campaign.objects.filter(pk=draft.pk).update(status="running")
    response = marketer_client.get(f"/campaigns/{draft.pk}/")
    assert response.context["plan"]["audience"].recipients == 5 and "Starting now" in response.content.decode()


def test_failures_without_a_code_are_counted_as_unexplained(marketer_client, world, draft):
    _sent(world, draft, {"failed": 1, "undelivered": 1})
    for status, code in (("failed", ""), ("undelivered", "not_delivered")):
        Message.objects.create(
            account=world.account, campaign=draft, connection=draft.connection, to="+923001234500", status=status, error_code=code
        )
    errors = marketer_client.get(f"/campaigns/{draft.pk}/stats.json").json()["errors"]
    assert errors == [["Not delivered", 1], ["No reason given", 1]]
