"""Provider callbacks are answered around Django's WSGI handler (portal/wsgi.py): no
request signals, no middleware; everything else reaches Django as before."""

from __future__ import annotations

import io
import json

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from providers.models import WebhookEvent


def call(path: str, method: str = "POST", body: bytes = b"", query: str = "") -> tuple[str, dict, bytes]:
    from portal.wsgi import application

    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": query,
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }
    answered: dict = {}

    def start_response(status, headers, exc_info=None):
        answered.update(status=status, headers=dict(headers))

    chunks = application(environ, start_response)
    content = b"".join(chunks)
    if hasattr(chunks, "close"):
        chunks.close()
    return answered["status"], answered["headers"], content


@pytest.fixture
def django_requests():
    """The requests Django's handler saw; as its test client does, the handler does not
    close the test's database connection at the end of each."""
    seen: list = []

    def started(**kwargs):
        seen.append(kwargs)

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    request_started.connect(started)
    yield seen
    request_started.disconnect(started)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_a_report_is_stored_and_acknowledged_without_the_request_cycle(fake_provider, django_requests):
    conn, _ = fake_provider
    status, headers, content = call(conn.webhook_path(), body=json.dumps({"statuses": []}).encode())
    assert status == "200 OK"
    assert headers["Content-Length"] == str(len(content))
    assert "X-Frame-Options" not in headers
    assert WebhookEvent.objects.filter(connection=conn).count() == 1
    assert django_requests == []


def test_a_get_callback_with_a_kind_keeps_its_query(fake_provider, django_requests):
    conn, _ = fake_provider
    status, _, _ = call(conn.webhook_path("inbound"), method="GET", query="from=%2B923001234517")
    assert status.split()[0] in ("200", "400")
    event = WebhookEvent.objects.get(connection=conn)
    assert event.kind == "inbound" and event.query == {"from": "+923001234517"}
    assert django_requests == []


def test_a_wrong_token_is_404(fake_provider):
    status, _, _ = call("/webhooks/fake/not-a-token/", body=b"{}")
    assert status.startswith("404")
    assert WebhookEvent.objects.count() == 0


def test_everything_else_goes_to_django(fake_provider, django_requests):
    conn, _ = fake_provider
    status, headers, _ = call("/login/", method="GET")
    assert status == "200 OK" and "X-Frame-Options" in headers
    status, headers, _ = call(conn.webhook_path(), method="DELETE")
    assert status.startswith("405") and "X-Frame-Options" in headers
    assert len(django_requests) == 2
    assert WebhookEvent.objects.count() == 0


def test_a_failure_answers_500_and_the_next_report_is_stored(fake_provider, monkeypatch, caplog):
    conn, _ = fake_provider
    import providers.intake

    closed: list = []
    real = providers.intake.receive
    monkeypatch.setattr(providers.intake, "receive", lambda *a, **k: 1 / 0)
    monkeypatch.setattr("django.db.close_old_connections", lambda: closed.append(1))
    status, headers, _ = call(conn.webhook_path(), body=b"{}")
    assert status.startswith("500") and headers["Content-Type"].startswith("text/plain")
    assert "ZeroDivisionError" in caplog.text
    assert closed == [1]  # a broken database connection is not kept for the next report
    monkeypatch.setattr(providers.intake, "receive", real)
    status, _, _ = call(conn.webhook_path(), body=json.dumps({"statuses": []}).encode())
    assert status == "200 OK"
    assert WebhookEvent.objects.filter(connection=conn).count() == 1


def test_a_body_over_the_upload_limit_is_a_400_not_a_500(fake_provider, settings):
    conn, _ = fake_provider
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    status, _, _ = call(conn.webhook_path(), body=json.dumps({"statuses": [], "pad": "x" * 200}).encode())
    assert status.startswith("400")
    assert WebhookEvent.objects.count() == 0
