"""Provider HTTP log: access, filters, keyset paging, detail with redacted bodies."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from providers.models import ProviderCall
from tests.conftest import make_connection

pytestmark = pytest.mark.django_db


def make_call(conn, **kw) -> ProviderCall:
    data = {"method": "POST", "url": f"{conn.base_url}/v3/sendsms", "status_code": 200, "request_body": '{"apikey": "***"}'}
    data.update(kw)
    return ProviderCall.objects.create(connection=conn, account=conn.account, **data)


def test_anonymous_is_sent_to_login():
    for url in ("/admin/http-log/", "/admin/http-log/1/"):
        assert Client().get(url)["Location"].startswith("/login/")


def test_marketer_and_viewer_are_refused(vt_connection, marketer_client, viewer_client):
    call = make_call(vt_connection)
    for client in (marketer_client, viewer_client):
        assert client.get("/admin/http-log/").status_code == 403
        assert client.get(f"/admin/http-log/{call.pk}/").status_code == 403


def test_outsider_gets_404_on_another_accounts_call(vt_connection, outsider_client):
    call = make_call(vt_connection)
    assert outsider_client.get(f"/admin/http-log/{call.pk}/").status_code == 404
    assert "/v3/sendsms" not in outsider_client.get("/admin/http-log/").content.decode()


def test_filters_by_connection_outcome_and_text(world, vt_connection, admin_client):
    other = make_connection(world.account, "wavy", name="Wavy main", base_url="http://sim.test/wavy")
    make_call(vt_connection, url="http://sim.test/vt/v3/sendsms?x=needle-one")
    make_call(vt_connection, url="http://sim.test/vt/v3/sendcall", status_code=500, response_body="boom")
    make_call(other, url="http://sim.test/wavy/v1/send-sms", status_code=None, error="timeout")
    page = admin_client.get(f"/admin/http-log/?connection={vt_connection.pk}").content.decode()
    assert "sendsms" in page and "sendcall" in page and "send-sms" not in page
    page = admin_client.get("/admin/http-log/?status=5xx").content.decode()
    assert "sendcall" in page and "sendsms" not in page
    page = admin_client.get("/admin/http-log/?status=error").content.decode()
    assert "send-sms" in page and "sendcall" not in page
    page = admin_client.get("/admin/http-log/?q=needle-one").content.decode()
    assert "needle-one" in page and "sendcall" not in page
    page = admin_client.get("/admin/http-log/?q=boom").content.decode()
    assert "sendcall" in page and "sendsms" not in page


def test_date_filter(vt_connection, admin_client):
    old = make_call(vt_connection, url="http://sim.test/vt/old-call")
    ProviderCall.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=3))
    make_call(vt_connection, url="http://sim.test/vt/new-call")
    today = timezone.localdate().isoformat()
    page = admin_client.get(f"/admin/http-log/?date_from={today}").content.decode()
    assert "new-call" in page and "old-call" not in page
    page = admin_client.get(f"/admin/http-log/?date_to={(timezone.localdate() - timedelta(days=1)).isoformat()}").content.decode()
    assert "old-call" in page and "new-call" not in page


def test_bad_filter_values_give_a_message_not_a_crash(admin_client):
    response = admin_client.get("/admin/http-log/?date_from=2026-13-45&connection=abc&status=weird&before=xyz")
    assert response.status_code == 200
    assert "Enter a valid date" in response.content.decode()
    response = admin_client.get("/admin/http-log/?date_from=2026-02-02&date_to=2026-01-01")
    assert "before" in response.content.decode()


def test_paging_goes_to_older_calls(vt_connection, admin_client):
    calls = [make_call(vt_connection, url=f"http://sim.test/vt/call-{i:03d}") for i in range(60)]
    page = admin_client.get("/admin/http-log/").content.decode()
    assert "call-059" in page and "call-010" in page and "call-009" not in page
    assert f"before={calls[10].pk}" in page
    page = admin_client.get(f"/admin/http-log/?before={calls[10].pk}").content.decode()
    assert "call-009" in page and "call-000" in page and "call-010" not in page and "Older" not in page


def test_detail_shows_the_redacted_exchange(vt_connection, admin_client):
    call = make_call(
        vt_connection,
        request_headers={"content-type": "application/json", "authorization": "***"},
        request_body='{"apikey": "***", "receivernum": "+923001234567"}',
        response_body='{"STATUS": "SUCCESSFUL"}',
    )
    response = admin_client.get(f"/admin/http-log/{call.pk}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "+923001234567" in page and "SUCCESSFUL" in page and "***" in page
    assert "test-key" not in page  # the connection's real key


def test_real_calls_through_the_seam_are_logged_without_the_key(world, simulators, admin_client):
    conn = make_connection(world.account, "vt", base_url="http://sim.test/vt", credentials={"apikey": "live-key-777"})
    admin_client.post(f"/admin/connections/{conn.pk}/test/")
    calls = ProviderCall.objects.filter(connection=conn)
    if not calls.exists():
        pytest.fail("the connection check made no provider call to log")
    page = admin_client.get("/admin/http-log/").content.decode()
    detail = admin_client.get(f"/admin/http-log/{calls.first().pk}/").content.decode()
    assert "live-key-777" not in page and "live-key-777" not in detail


def test_detail_redacts_again_on_display(vt_connection, admin_client):
    call = make_call(
        vt_connection,
        url="http://sim.test/vt/wa/sync?hash=leaked-hash-1",
        request_headers={"Authorization": "Bearer leaked-token-2"},
        request_body='{"apikey": "leaked-key-3", "receivernum": "+923001234567"}',
    )
    page = admin_client.get(f"/admin/http-log/{call.pk}/").content.decode() + admin_client.get("/admin/http-log/").content.decode()
    for leaked in ("leaked-hash-1", "leaked-token-2", "leaked-key-3"):
        assert leaked not in page
    assert "+923001234567" in page


def test_text_search_scans_a_bounded_window_and_offers_older(vt_connection, admin_client, monkeypatch):
    monkeypatch.setattr("campaigns.views.admin.http_log.TEXT_SCAN_LIMIT", 5)
    calls = [
        make_call(vt_connection, url=f"http://sim.test/vt/x-{i:02d}", response_body="needle" if i in (1, 12) else "") for i in range(15)
    ]
    page = admin_client.get("/admin/http-log/?q=needle").content.decode()
    # Newest 5 calls (10..14) scanned: only x-12 matches; x-01 is beyond the window.
    assert "x-12" in page and "x-01" not in page
    assert "Search older calls" in page
    floor = calls[9].pk
    assert f"before={floor + 1}" in page
    page = admin_client.get(f"/admin/http-log/?q=needle&before={floor + 1}").content.decode()
    assert "x-12" not in page and "x-01" not in page  # window 5..9 has no match
    page = admin_client.get(f"/admin/http-log/?q=needle&before={calls[4].pk + 1}").content.decode()
    assert "x-01" in page and "Search older calls" not in page
