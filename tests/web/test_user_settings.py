"""“Your settings”: a user's own time zone overrides the account's on every page."""

import datetime as dt

from django.utils import timezone

from campaigns.models import InboundMessage, Membership


def test_settings_page_is_in_the_user_menu(marketer_client):
    html = marketer_client.get("/").content.decode()
    assert 'href="/settings/">Your settings</a>' in html


def test_times_follow_the_account_zone_until_the_user_chooses_one(marketer_client, world):
    world.account.timezone = "Asia/Karachi"
    world.account.save()
    InboundMessage.objects.create(account=world.account, from_number="+923001234567", text="hello", received_at=timezone.now())
    InboundMessage.objects.filter(text="hello").update(received_at=dt.datetime(2026, 11, 30, 12, 40, tzinfo=dt.UTC))
    assert "30 Nov 2026, 17:40 PKT" in marketer_client.get("/inbox/").content.decode()

    response = marketer_client.post("/settings/", {"timezone": "America/Sao_Paulo", "phone": ""})
    assert response.status_code == 302 and response["Location"] == "/settings/"
    assert Membership.objects.get(user=world.marketer).timezone == "America/Sao_Paulo"
    assert "30 Nov 2026, 09:40 -03" in marketer_client.get("/inbox/").content.decode()
    assert "America/Sao_Paulo" in marketer_client.get("/settings/").content.decode()


def test_choice_is_per_user(marketer_client, admin_client, world):
    marketer_client.post("/settings/", {"timezone": "Europe/London", "phone": ""})
    assert "Europe/London" in marketer_client.get("/settings/").context["form"]["timezone"].value()
    assert admin_client.get("/settings/").context["form"]["timezone"].value() == ""


def test_back_to_the_account_zone(marketer_client, world):
    Membership.objects.filter(user=world.marketer).update(timezone="Europe/London")
    marketer_client.post("/settings/", {"timezone": "", "phone": ""})
    assert Membership.objects.get(user=world.marketer).timezone == ""


def test_bad_input_is_explained(marketer_client, world):
    response = marketer_client.post("/settings/", {"timezone": "Mars/Olympus", "phone": "12"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Select a valid choice" in html and Membership.objects.get(user=world.marketer).timezone == ""
    ok = marketer_client.post("/settings/", {"timezone": "", "phone": "+92 300 1234567"})
    assert ok.status_code == 302 and Membership.objects.get(user=world.marketer).phone == "+923001234567"


def test_needs_a_login(client):
    response = client.get("/settings/")
    assert response.status_code == 302 and "/login/" in response["Location"]
