"""Provider callbacks take the webhook lane (no sessions, CSRF, messages or tenancy);
anything that is not a well-formed webhook URL and method goes down the usual stack."""

from __future__ import annotations

from providers.middleware import WEBHOOK_PATH
from providers.models import WebhookEvent
from tests.engine.conftest import post_hook


def test_a_report_is_answered_by_the_lane(fake_provider, client):
    conn, _ = fake_provider
    response = post_hook(client, conn, {"statuses": []})
    assert response.status_code == 200
    assert "X-Frame-Options" not in response  # added by the browser stack only
    assert not response.cookies  # no session, no CSRF cookie
    assert response["Content-Length"] == str(len(response.content))
    assert WebhookEvent.objects.filter(connection=conn).count() == 1
    assert client.get("/login/").has_header("X-Frame-Options")


def test_kind_and_get_callbacks_use_the_lane(fake_provider, client):
    conn, _ = fake_provider
    response = client.get(conn.webhook_path("inbound"), {"from": "+923001234517"})
    assert response.status_code in (200, 400)
    assert "X-Frame-Options" not in response
    assert WebhookEvent.objects.get(connection=conn).kind == "inbound"


def test_a_wrong_token_is_404_in_the_lane(fake_provider, client):
    response = client.post("/webhooks/fake/not-a-token/", data="{}", content_type="application/json")
    assert response.status_code == 404
    assert WebhookEvent.objects.count() == 0


def test_other_methods_and_shapes_go_down_the_usual_stack(fake_provider, client):
    conn, _ = fake_provider
    response = client.delete(conn.webhook_path())
    assert response.status_code == 405 and response.has_header("X-Frame-Options")
    response = client.post(conn.webhook_path().rstrip("/"), data="{}", content_type="application/json")
    assert response.status_code != 200
    assert WebhookEvent.objects.count() == 0


def test_the_lane_matches_exactly_the_webhook_routes():
    assert WEBHOOK_PATH.match("/webhooks/vt/abc-123/")["kind"] is None
    assert WEBHOOK_PATH.match("/webhooks/unified/tok/events/")["kind"] == "events"
    for path in ("/webhooks/vt/", "/webhooks/vt/tok", "/webhooks/vt/tok/a/b/", "/webhooks/v t/tok/", "/xwebhooks/vt/tok/"):
        assert WEBHOOK_PATH.match(path) is None, path
