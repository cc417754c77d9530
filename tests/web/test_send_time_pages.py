"""Send-time rules in the portal: the account's quiet hours and frequency cap (admins),
the composer's local send time and cap choice, what the review says, the campaign's waves."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import time_machine

from campaigns.models import Campaign, Contact, Message, SendWave, StatusCount
from providers.base import MessageStatus as S

UTC = ZoneInfo("UTC")
NIGHT_IN_KARACHI = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)  # 23:00 in Karachi


def settings_data(**over) -> dict:
    data = {
        "timezone": "UTC",
        "country": "PK",
        "low_balance_threshold": "",
        "quiet_start": "21:00",
        "quiet_end": "08:00",
        "multi_zone_rule": "account",
        "cap_messages": "",
        "cap_period": "day",
    }
    data.update(over)
    return data


def test_admin_sets_quiet_hours_and_cap(admin_client, world):
    page = admin_client.get("/admin/settings/").content.decode()
    assert "Quiet hours" in page and "Frequency cap" in page
    data = settings_data(quiet_hours_enabled="on", quiet_start="20:30", cap_messages="2", cap_period="week", multi_zone_rule="earliest")
    assert admin_client.post("/admin/settings/", data).status_code == 302
    world.account.refresh_from_db()
    assert world.account.quiet_hours_enabled and world.account.quiet_start == time(20, 30)
    assert (world.account.cap_messages, world.account.cap_period, world.account.multi_zone_rule) == (2, "week", "earliest")


def test_bad_policy_input_is_explained(admin_client, world):
    response = admin_client.post("/admin/settings/", settings_data(quiet_hours_enabled="on", quiet_start="08:00"))
    assert response.status_code == 200 and "differ" in response.content.decode()
    response = admin_client.post("/admin/settings/", settings_data(cap_messages="0"))
    assert response.status_code == 200 and "at least 1" in response.content.decode()
    response = admin_client.post("/admin/settings/", settings_data(quiet_start="25:99"))
    assert response.status_code == 200 and response.context["form"].errors["quiet_start"]
    world.account.refresh_from_db()
    assert not world.account.quiet_hours_enabled and world.account.cap_messages is None


def test_only_admins_change_the_policy(marketer_client, viewer_client, outsider_client, world):
    for client in (marketer_client, viewer_client):
        assert client.post("/admin/settings/", settings_data(cap_messages="1")).status_code == 403
    outsider_client.post("/admin/settings/", settings_data(cap_messages="1"))
    world.account.refresh_from_db()
    assert world.account.cap_messages is None


def test_schedule_step_keeps_local_time_and_cap_mode(marketer_client, draft):
    page = marketer_client.get(f"/campaigns/{draft.pk}/edit/schedule/").content.decode()
    assert "each recipient&#x27;s zone" in page and "no frequency cap" in page
    data = {"when": "now", "timezone": "UTC", "local_send_time": "10:00", "cap_mode": "defer"}
    assert marketer_client.post(f"/campaigns/{draft.pk}/edit/schedule/", data).status_code == 302
    draft.refresh_from_db()
    assert draft.local_send_time == time(10, 0) and draft.cap_mode == "defer"
    bad = marketer_client.post(f"/campaigns/{draft.pk}/edit/schedule/", {**data, "cap_mode": "drop-all"})
    assert bad.status_code == 200 and bad.context["form"].errors["cap_mode"]


def test_review_says_who_waits_for_quiet_hours_and_who_is_over_the_cap(marketer_client, world, draft, contacts):
    world.account.quiet_hours_enabled = True
    world.account.cap_messages = 1
    world.account.save()
    Contact.objects.filter(pk=contacts[0].pk).update(attributes={"timezone": "Europe/London"})  # 18:00 there: not quiet
    earlier = NIGHT_IN_KARACHI - timedelta(hours=2)
    Message.objects.create(account=world.account, connection=draft.connection, to=contacts[1].phone, status=S.DELIVERED, not_before=earlier)
    with time_machine.travel(NIGHT_IN_KARACHI, tick=False):
        page = marketer_client.get(f"/campaigns/{draft.pk}/edit/review/").content.decode()
    assert "<strong>4</strong> recipients are inside the account's quiet hours (21:00–08:00 their time)" in page
    assert "the last at 2 Dec 2026, 03:00 UTC" in page  # 08:00 in Karachi
    assert "<strong>1</strong> recipient has reached the frequency cap and will be skipped" in page
    assert "Asia/Karachi" in page and "After quiet hours" in page


def test_review_without_rules_shows_no_send_time_card(marketer_client, draft):
    assert "send-time-card" not in marketer_client.get(f"/campaigns/{draft.pk}/edit/review/").content.decode()


def test_campaign_page_shows_the_waves(marketer_client, viewer_client, outsider_client, world, draft):
    draft.status, draft.local_send_time, draft.dropped_capped = "running", time(10, 0), 2
    draft.save()
    karachi = datetime(2026, 12, 2, 5, 0, tzinfo=UTC)
    new_york = karachi + timedelta(hours=10)
    SendWave.objects.create(campaign=draft, starts_at=karachi, zone="Asia/Karachi", recipients=2)
    SendWave.objects.create(campaign=draft, starts_at=new_york, zone="America/New_York", recipients=1)
    for status, at, to in [
        (S.DELIVERED, karachi, "+923001234500"),
        (S.PENDING, karachi, "+923001234501"),
        (S.PENDING, new_york, "+12124560112"),
    ]:
        Message.objects.create(account=world.account, campaign=draft, connection=draft.connection, to=to, status=status, not_before=at)
        StatusCount.objects.create(account=world.account, campaign=draft, status=status, count=1)
    page = marketer_client.get(f"/campaigns/{draft.pk}/").content.decode()
    assert 'id="waves-table"' in page and "2 over the frequency cap were skipped" in page
    rows = page.split('id="waves-table"')[1].split("</table>")[0].split("<tr")[2:]
    assert "Asia/Karachi" in rows[0] and "10:00" in rows[0] and 'data-label="Sent so far"><span>1</span></td>' in rows[0]
    assert "America/New_York" in rows[1] and "10:00" in rows[1] and 'data-label="Sent so far"><span>0</span></td>' in rows[1]
    assert 'id="waves-table"' in viewer_client.get(f"/campaigns/{draft.pk}/").content.decode()
    assert outsider_client.get(f"/campaigns/{draft.pk}/").status_code == 404
    assert Campaign.objects.get(pk=draft.pk).dropped_capped == 2


def test_a_local_time_draft_says_it_goes_in_waves(marketer_client, draft):
    draft.local_send_time = time(9, 30)
    draft.save()
    page = marketer_client.get(f"/campaigns/{draft.pk}/").content.decode()
    assert "then at 09:30 in each recipient's time zone, in waves" in page
