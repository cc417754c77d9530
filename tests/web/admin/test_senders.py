"""Sender IDs: list with filters, request (marketers too), approve/reject/disable."""

from __future__ import annotations

import pytest
from django.test import Client

from campaigns.models import SenderID
from tests.conftest import make_connection

pytestmark = pytest.mark.django_db


def make_sender(world, value="PROMO", status=SenderID.Status.REQUESTED, account=None, **kw) -> SenderID:
    return SenderID.objects.create(account=account or world.account, channel=kw.pop("channel", "sms"), value=value, status=status, **kw)


# --- access ---------------------------------------------------------------------------


def test_anonymous_is_sent_to_login():
    for url in ("/admin/senders/", "/admin/senders/request/", "/admin/senders/1/"):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


def test_list_is_visible_to_every_member(admin_client, marketer_client, viewer_client):
    for client in (admin_client, marketer_client, viewer_client):
        assert client.get("/admin/senders/").status_code == 200


def test_members_see_approved_senders_and_their_own_requests_only(world, marketer_client, viewer_client):
    make_sender(world, "OKSENDER", SenderID.Status.APPROVED)
    make_sender(world, "MINE", requested_by=world.marketer)
    make_sender(world, "SECRETREQ")
    page = marketer_client.get("/admin/senders/").content.decode()
    assert "OKSENDER" in page and "MINE" in page and "SECRETREQ" not in page
    page = viewer_client.get("/admin/senders/").content.decode()
    assert "OKSENDER" in page and "MINE" not in page


def test_list_never_shows_another_accounts_senders(world, admin_client):
    make_sender(world, "GLOBEX", account=world.other_account)
    page = admin_client.get("/admin/senders/?status=").content.decode()
    assert "GLOBEX" not in page


def test_admin_filters_by_status_and_channel(world, admin_client):
    make_sender(world, "WAITING")
    make_sender(world, "LIVE", SenderID.Status.APPROVED)
    make_sender(world, "+923001234567", SenderID.Status.APPROVED, channel="whatsapp")
    page = admin_client.get("/admin/senders/").content.decode()  # pending requests first
    assert "WAITING" in page and "LIVE" not in page and "1 request waiting" in page
    page = admin_client.get("/admin/senders/?status=approved&channel=sms").content.decode()
    assert "LIVE" in page and "WAITING" not in page and "+923001234567" not in page


def test_marketers_find_sender_ids_in_the_nav(marketer_client, admin_client, viewer_client):
    nav = 'href="/admin/senders/"'
    page = marketer_client.get("/").content.decode()
    assert nav in page and "nav-admin" not in page
    assert 'href="/admin/senders/" aria-current="page"' in marketer_client.get("/admin/senders/request/").content.decode()
    assert admin_client.get("/").content.decode().count(nav) == 1  # in the admin group only
    assert nav not in viewer_client.get("/").content.decode()


def test_request_form_starts_on_the_channel_asked_for(marketer_client):
    assert marketer_client.get("/admin/senders/request/?channel=voice").context["form"]["channel"].value() == "voice"
    assert marketer_client.get("/admin/senders/request/?channel=ussd").context["form"]["channel"].value() == "sms"


def test_viewer_cannot_request(viewer_client):
    assert viewer_client.get("/admin/senders/request/").status_code == 403
    assert viewer_client.post("/admin/senders/request/", {"channel": "sms", "value": "NOPE"}).status_code == 403
    assert not SenderID.objects.filter(value="NOPE").exists()


def test_marketer_and_viewer_cannot_decide(world, marketer_client, viewer_client):
    sender = make_sender(world)
    for client in (marketer_client, viewer_client):
        assert client.get(f"/admin/senders/{sender.pk}/").status_code == 403
        assert client.post(f"/admin/senders/{sender.pk}/decide/", {"action": "approve"}).status_code == 403
    sender.refresh_from_db()
    assert sender.status == SenderID.Status.REQUESTED


def test_outsider_gets_404_on_another_accounts_sender(world, outsider_client):
    sender = make_sender(world)
    assert outsider_client.get(f"/admin/senders/{sender.pk}/").status_code == 404
    assert outsider_client.post(f"/admin/senders/{sender.pk}/decide/", {"action": "approve"}).status_code == 404
    sender.refresh_from_db()
    assert sender.status == SenderID.Status.REQUESTED


# --- requesting -----------------------------------------------------------------------


def test_marketer_requests_an_sms_sender_for_their_subaccount(world, marketer_client):
    response = marketer_client.post("/admin/senders/request/", {"channel": "sms", "value": "Acme2024", "purpose": "promos"})
    assert response.status_code == 302
    sender = SenderID.objects.get(value="Acme2024")
    assert sender.status == SenderID.Status.REQUESTED
    assert sender.subaccount == world.subaccount
    assert sender.requested_by == world.marketer


@pytest.mark.parametrize(
    ("channel", "value", "stored"),
    [
        ("sms", "ABC", "ABC"),
        ("sms", "ACMEBANK123", "ACMEBANK123"),
        ("sms", "123456789012345678", "123456789012345678"),
        ("sms", "+8333", "8333"),
        ("voice", "+923001234567", "+923001234567"),
        ("voice", "VT-vOTP", "VT-vOTP"),
        ("whatsapp", "+92 300 1234567", "+923001234567"),
    ],
)
def test_valid_sender_formats(admin_client, channel, value, stored):
    response = admin_client.post("/admin/senders/request/", {"channel": channel, "value": value})
    assert response.status_code == 302, response.content.decode()
    assert SenderID.objects.filter(channel=channel, value=stored).exists()


@pytest.mark.parametrize(
    ("channel", "value", "message"),
    [
        ("sms", "AB", "3 to 11 characters"),
        ("sms", "ACMEBANKLTD1", "3 to 11 characters"),
        ("sms", "ACME BANK", "letters and digits only"),
        ("sms", "ACME!", "letters and digits only"),
        ("sms", "1234567890123456789", "at most 18 digits"),
        ("voice", "no spaces!", "caller ID"),
        ("whatsapp", "+12", "valid phone number"),
        ("whatsapp", "hello", "valid phone number"),
    ],
)
def test_invalid_sender_formats_get_a_clear_error(admin_client, channel, value, message):
    response = admin_client.post("/admin/senders/request/", {"channel": channel, "value": value})
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert 'aria-invalid="true"' in page
    assert not SenderID.objects.exists()


def test_duplicate_request_is_refused(world, admin_client):
    make_sender(world, "ACME", SenderID.Status.APPROVED)
    response = admin_client.post("/admin/senders/request/", {"channel": "sms", "value": "acme"})
    assert response.status_code == 200
    assert "already exists" in response.content.decode()


def test_connection_must_serve_the_channel(world, admin_client):
    conn = make_connection(world.account, "vt", channels=["sms"])
    response = admin_client.post("/admin/senders/request/", {"channel": "whatsapp", "value": "+923001234567", "connection": conn.pk})
    assert response.status_code == 200
    assert "does not serve whatsapp" in response.content.decode()


def test_another_accounts_connection_cannot_be_chosen(world, admin_client):
    theirs = make_connection(world.other_account, "vt")
    response = admin_client.post("/admin/senders/request/", {"channel": "sms", "value": "ACME", "connection": theirs.pk})
    assert response.status_code == 200
    assert not SenderID.objects.exists()


# --- deciding -------------------------------------------------------------------------


def test_admin_approves(world, admin_client):
    sender = make_sender(world)
    assert admin_client.get(f"/admin/senders/{sender.pk}/").status_code == 200
    response = admin_client.post(f"/admin/senders/{sender.pk}/decide/", {"action": "approve", "note": "ok"})
    assert response.status_code == 302
    sender.refresh_from_db()
    assert sender.status == SenderID.Status.APPROVED
    assert sender.decided_by == world.admin and sender.decided_at is not None and sender.decision_note == "ok"


def test_reject_needs_a_note(world, admin_client):
    sender = make_sender(world)
    response = admin_client.post(f"/admin/senders/{sender.pk}/decide/", {"action": "reject", "note": ""})
    assert response.status_code == 400
    assert "Say why" in response.content.decode()
    response = admin_client.post(f"/admin/senders/{sender.pk}/decide/", {"action": "reject", "note": "brand not registered"})
    assert response.status_code == 302
    sender.refresh_from_db()
    assert sender.status == SenderID.Status.REJECTED and sender.decision_note == "brand not registered"


def test_disable_and_enable_an_approved_sender(world, admin_client):
    sender = make_sender(world, status=SenderID.Status.APPROVED)
    admin_client.post(f"/admin/senders/{sender.pk}/decide/", {"action": "disable"})
    sender.refresh_from_db()
    assert sender.status == SenderID.Status.DISABLED
    admin_client.post(f"/admin/senders/{sender.pk}/decide/", {"action": "enable"})
    sender.refresh_from_db()
    assert sender.status == SenderID.Status.APPROVED


def test_impossible_transition_is_refused(world, admin_client):
    sender = make_sender(world)
    response = admin_client.post(f"/admin/senders/{sender.pk}/decide/", {"action": "disable"})
    assert response.status_code == 400
    assert "cannot be disabled" in response.content.decode()
    response = admin_client.post(f"/admin/senders/{sender.pk}/decide/", {"action": "explode"})
    assert response.status_code == 400
    sender.refresh_from_db()
    assert sender.status == SenderID.Status.REQUESTED


def test_get_on_decide_is_not_allowed(world, admin_client):
    sender = make_sender(world)
    assert admin_client.get(f"/admin/senders/{sender.pk}/decide/")["Location"] == f"/admin/senders/{sender.pk}/"
