"""One permission rule for web and API: a portal user on the session-authenticated API is
allowed exactly what the web pages' role decorators allow them, resource by resource."""

from __future__ import annotations

import pytest

from tests.api.conftest import Api, error_of
from tests.conftest import login

# (web page, API endpoint, whether it is a write): refused on one means refused on the other.
PAIRS = [
    ("/admin/api-keys/events/", "/api/v1/event-subscriptions", "get"),
    ("/admin/api-keys/events/", "/api/v1/event-subscriptions", "post"),
    ("/admin/api-keys/events/", "/api/v1/event-deliveries", "get"),
    ("/admin/connections/", "/api/v1/connections", "get"),
    ("/admin/billing/", "/api/v1/ledger", "get"),
    ("/contacts/", "/api/v1/contacts", "get"),
    ("/contacts/new/", "/api/v1/contacts", "post"),
    ("/lists/", "/api/v1/lists", "get"),
    ("/lists/new/", "/api/v1/lists", "post"),
    ("/campaigns/", "/api/v1/campaigns", "get"),
    ("/campaigns/new/", "/api/v1/campaigns", "post"),
    ("/templates/", "/api/v1/templates", "get"),
    ("/templates/new/", "/api/v1/templates", "post"),
    ("/recordings/", "/api/v1/recordings", "get"),
    ("/recordings/new/", "/api/v1/recordings", "post"),
    ("/suppressions/", "/api/v1/suppressions", "get"),
    ("/suppressions/new/", "/api/v1/suppressions", "post"),
    ("/admin/senders/", "/api/v1/sender-ids", "get"),
    ("/admin/senders/request/", "/api/v1/sender-ids", "post"),
    ("/inbox/", "/api/v1/inbound-messages", "get"),
    ("/admin/keywords/", "/api/v1/keyword-rules", "get"),
    ("/admin/keywords/new/", "/api/v1/keyword-rules", "post"),
]


def session_api(user) -> Api:
    api = Api()
    api.client = login(user)
    return api


@pytest.mark.parametrize("role", ["admin", "marketer", "viewer"])
@pytest.mark.parametrize(("page", "endpoint", "method"), PAIRS, ids=[f"{m} {e}" for _, e, m in PAIRS])
def test_api_refuses_a_session_user_exactly_where_the_web_does(page, endpoint, method, role, world):
    user = getattr(world, role)
    web_allowed = login(user).get(page).status_code == 200
    response = getattr(session_api(user), method)(endpoint, {}) if method == "post" else session_api(user).get(endpoint)
    api_allowed = response.status_code != 403
    assert api_allowed == web_allowed, (role, page, endpoint, response.status_code, response.content[:200])
    if not api_allowed:
        assert error_of(response)["code"] == "permission_denied"


def test_marketer_cannot_create_event_subscription_over_session(world):
    response = session_api(world.marketer).post(
        "/api/v1/event-subscriptions", {"url": "https://example.com/hook", "events": ["message.status"]}
    )
    assert response.status_code == 403
    assert "secret" not in response.content.decode()


def test_admin_creates_event_subscription_over_session(world):
    response = session_api(world.admin).post(
        "/api/v1/event-subscriptions", {"url": "https://example.com/hook", "events": ["message.status"]}
    )
    assert response.status_code == 201 and response.json()["secret"]


def test_api_keys_keep_their_own_scope_rules(keys, world):
    """Keys are made by admins: an account-wide key manages subscriptions, a read-only one may not write."""
    body = {"url": "https://example.com/hook", "events": ["message.status"]}
    assert Api(keys.account).post("/api/v1/event-subscriptions", body).status_code == 201
    assert Api(keys.read_only).post("/api/v1/event-subscriptions", body).status_code == 403
    assert Api(keys.subaccount).get("/api/v1/connections").status_code == 200
