"""The dashboard's chosen period (7/30/90 days): rates of the messages that ended in it, from
the one definition and the hourly count rows; the trend against the period before; a per-day
series for the chart."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import Message, StatusCount
from campaigns.services.counts import recount_campaign
from campaigns.status import UNSENT_EXPIRY_CODE


def add_messages(account, connection, days_ago: int, status: str, n: int, error_code: str = "") -> None:
    """``n`` messages that ended ``days_ago`` days ago, with the count rows the engine writes."""
    at = timezone.now() - timedelta(days=days_ago)
    made = Message.objects.bulk_create(
        [Message(account=account, connection=connection, to="+923001234567", status=status, error_code=error_code) for _ in range(n)]
    )
    Message.objects.filter(pk__in=[m.pk for m in made]).update(created_at=at, updated_at=at)
    hour = at.replace(minute=0, second=0, microsecond=0)
    StatusCount.objects.create(account=account, status=status, count=n, hour=hour, not_sent=error_code == UNSENT_EXPIRY_CODE)


@pytest.fixture
def history(world, vt_connection):
    acc, conn = world.account, vt_connection
    add_messages(acc, conn, 0, "delivered", 6)
    add_messages(acc, conn, 2, "delivered", 3)
    add_messages(acc, conn, 2, "undelivered", 1)
    add_messages(acc, conn, 1, "cancelled", 5)  # never sent: in no rate
    add_messages(acc, conn, 1, "expired", 2, UNSENT_EXPIRY_CODE)  # never sent: in no rate
    add_messages(acc, conn, 0, "pending", 3)  # on the way: not counted yet
    add_messages(acc, conn, 10, "delivered", 1)  # the 7 days before
    add_messages(acc, conn, 10, "failed", 1)
    add_messages(acc, conn, 40, "delivered", 4)  # only in the 90-day view
    return world


def test_default_period_is_seven_days_with_its_rate_and_trend(marketer_client, history):
    response = marketer_client.get("/")
    period = response.context["period"]
    assert period.days == 7
    assert (period.current.delivery_rate, period.current.outcomes, period.current.total) == (90.0, 10, 17)
    assert (period.current.cancelled, period.current.expired_unsent, period.current.failed) == (5, 2, 1)
    assert period.previous.delivery_rate == 50.0 and period.delivery_rate_change == 40.0
    html = response.content.decode()
    assert "90.0%" in html and "+40.0 points vs the 7 days before (50.0%)" in html
    assert 'title="Delivered ÷ messages with a final answer from the provider' in html


def test_per_day_series_in_words_for_the_chart(marketer_client, history):
    html = marketer_client.get("/?period=7").content.decode()
    raw = html.split('<script id="period-series" type="application/json">')[1].split("</script>")[0]
    data = json.loads(raw)
    assert len(data["days"]) == 7 and data["days"][-1] == timezone.localdate().isoformat()
    series = {s["key"]: s for s in data["series"]}
    assert series["delivered"]["label"] == "Delivered"
    assert series["delivered"]["values"][-1] == 6 and sum(series["delivered"]["values"]) == 9
    assert sum(series["failed"]["values"]) == 1  # the unsent expiries are not failures
    assert sum(series["not_sent"]["values"]) == 7 and set(series) == {"delivered", "failed", "not_sent"}


def test_longer_periods_and_a_bad_parameter(marketer_client, history):
    assert marketer_client.get("/?period=30").context["period"].current.total == 19
    ninety = marketer_client.get("/?period=90").context["period"]
    assert ninety.current.total == 23 and ninety.current.delivery_rate == round(100 * 14 / 16, 1)
    assert marketer_client.get("/?period=abc").context["period"].days == 7
    assert marketer_client.get("/?period=8").context["period"].days == 7


def test_empty_period_says_so(marketer_client, world):
    html = marketer_client.get("/").content.decode()
    assert "No message finished in the last 7 days." in html and "period-series" not in html


def test_outsider_sees_none_of_it(outsider_client, history):
    assert outsider_client.get("/").context["period"].current.total == 0


def test_the_count_rows_rebuilt_from_messages_give_the_same_figures(marketer_client, world, history, draft):
    """The repair tool (and migration 0008) rebuild rows per hour of each message's last change."""
    Message.objects.filter(campaign__isnull=True).update(campaign=draft)
    before = marketer_client.get("/?period=90").context["period"]
    StatusCount.objects.all().delete()
    recount_campaign(draft)
    after = marketer_client.get("/?period=90").context["period"]
    assert after.current == before.current and after.series == before.series
