"""'Test connection': queued as a task (inline in tests), result recorded on the connection."""

from __future__ import annotations

import pytest

from providers.base import ConnectionCheck, ErrorClass, ErrorCode, ProviderError, ProviderException
from providers.checks import check_connection
from tests.conftest import make_connection

pytestmark = pytest.mark.django_db


def test_check_with_a_good_key_is_recorded(world, simulators, admin_client):
    conn = make_connection(world.account, "vt", base_url="http://sim.test/vt", credentials={"apikey": "good-key-1"})
    response = admin_client.post(f"/admin/connections/{conn.pk}/test/")
    assert response.status_code == 302
    conn.refresh_from_db()
    assert conn.last_check_ok is True
    assert conn.last_check_message
    assert conn.balance_checked_at is not None
    status = admin_client.get(f"/admin/connections/{conn.pk}/check-status/").json()
    assert status["pending"] is False and status["ok"] is True
    page = admin_client.get(f"/admin/connections/{conn.pk}/").content.decode()
    assert "good-key-1" not in page and conn.last_check_message[:30] in page


def test_check_with_a_bad_key_is_recorded_as_failed(world, simulators, admin_client):
    conn = make_connection(world.account, "vt", base_url="http://sim.test/vt", credentials={"apikey": "bad-key-1"})
    admin_client.post(f"/admin/connections/{conn.pk}/test/")
    conn.refresh_from_db()
    assert conn.last_check_ok is False
    assert conn.last_check_message
    page = admin_client.get(f"/admin/connections/{conn.pk}/").content.decode()
    assert "Failed" in page and "bad-key-1" not in page


def test_balance_is_stored_when_the_provider_reports_it(world, monkeypatch):
    conn = make_connection(world.account, "vt")
    monkeypatch.setattr(
        "providers.checks.backend_for",
        lambda c: type("B", (), {"test_connection": lambda self: ConnectionCheck(True, "Balance read", balance=42.5, currency="PKR")})(),
    )
    assert check_connection(conn.pk) is True
    conn.refresh_from_db()
    assert conn.balance == pytest.approx(42.5) and conn.balance_currency == "PKR"


def test_provider_exception_becomes_a_failed_check(world, monkeypatch):
    conn = make_connection(world.account, "vt")

    def refuse(self):
        raise ProviderException(ProviderError(ErrorCode.AUTH_FAILED, ErrorClass.ACCOUNT, raw_code="401", message="Invalid API key"))

    monkeypatch.setattr("providers.checks.backend_for", lambda c: type("B", (), {"test_connection": refuse})())
    assert check_connection(conn.pk) is False
    conn.refresh_from_db()
    assert conn.last_check_ok is False and conn.last_check_message == "Invalid API key (401)"


def test_crash_in_a_backend_becomes_a_failed_check(world, monkeypatch):
    conn = make_connection(world.account, "vt")
    monkeypatch.setattr("providers.checks.backend_for", lambda c: type("B", (), {"test_connection": lambda self: 1 / 0})())
    assert check_connection(conn.pk) is False
    conn.refresh_from_db()
    assert "ZeroDivisionError" in conn.last_check_message


def test_missing_connection_is_ignored():
    assert check_connection(999999) is None


def test_every_provider_check_runs_against_its_simulator_without_leaking_secrets(world, simulators, admin_client):
    from providers.registry import backends

    for slug, backend in backends().items():
        creds = {spec.name: f"ok-{slug}-{spec.name}-secret" for spec in backend.credential_fields}
        conn = make_connection(world.account, slug, name=f"{slug} sim", base_url=f"http://sim.test/{slug}", credentials=creds)
        admin_client.post(f"/admin/connections/{conn.pk}/test/")
        conn.refresh_from_db()
        assert conn.last_check_ok is not None and conn.last_check_message, slug
        page = admin_client.get(f"/admin/connections/{conn.pk}/").content.decode()
        for spec in backend.credential_fields:
            if spec.secret:
                assert creds[spec.name] not in page, slug


def test_vavasms_balance_is_read_through_its_simulator(world, simulators, admin_client):
    conn = make_connection(
        world.account, "vavasms", base_url="http://sim.test/vavasms", credentials={"username": "me@x.test", "password": "pw-good"}
    )
    admin_client.post(f"/admin/connections/{conn.pk}/test/")
    conn.refresh_from_db()
    assert conn.last_check_ok is True
    assert conn.balance is not None
    page = admin_client.get(f"/admin/connections/{conn.pk}/").content.decode()
    assert f"{conn.balance:.2f}" in page


def test_while_the_task_has_not_run_the_page_polls(world, vt_connection, admin_client, monkeypatch):
    monkeypatch.setattr("campaigns.views.admin.connections.async_task", lambda *a, **kw: "0123456789abcdef0123456789abcdef")
    admin_client.post(f"/admin/connections/{vt_connection.pk}/test/")
    page = admin_client.get(f"/admin/connections/{vt_connection.pk}/").content.decode()
    assert "Checking…" in page and "data-poll=" in page
    status = admin_client.get(f"/admin/connections/{vt_connection.pk}/check-status/").json()
    assert status["pending"] is True and status["ok"] is None
    vt_connection.refresh_from_db()
    assert vt_connection.last_check_ok is None  # nothing ran inside the request


def test_per_kind_webhook_urls_are_listed_when_a_provider_declares_kinds(world, vt_connection, admin_client, monkeypatch):
    from providers.registry import backend_class

    monkeypatch.setattr(backend_class("vt"), "webhook_kinds", (("report", "Delivery reports"), "mo"), raising=False)
    page = admin_client.get(f"/admin/connections/{vt_connection.pk}/").content.decode()
    assert vt_connection.webhook_url("report") in page and "Delivery reports" in page
    assert vt_connection.webhook_url("mo") in page


def test_providers_with_separate_webhooks_list_one_url_per_kind(admin_client, world):
    from tests.conftest import make_connection

    conn = make_connection(world.account, "wavy", credentials={"username": "u", "authenticationtoken": "t"})
    html = admin_client.get(f"/admin/connections/{conn.pk}/").content.decode()
    for kind in ("callback", "dlr", "mo"):
        assert conn.webhook_path(kind) in html
