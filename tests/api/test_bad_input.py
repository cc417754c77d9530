"""No 500 on hostile input: ids beyond a database integer anywhere, and form bodies of more
than 1,000 fields, answer a clear 400/404 in the API's error shape (a plain page on the web)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from campaigns.models import Contact, ContactList
from tests.api.conftest import error_of
from tests.conftest import login

HUGE = [2**63, 2**64 + 5, 10**30]


@pytest.fixture
def contact_list(world):
    return ContactList.objects.create(account=world.account, name="Customers")


@pytest.mark.parametrize("action", ["add", "remove"])
@pytest.mark.parametrize("huge", HUGE)
def test_huge_contact_ids_in_list_membership_change(api, contact_list, action, huge):
    contact = Contact.objects.create(account=contact_list.account, phone="+923001234567")
    response = api.post(f"/api/v1/lists/{contact_list.pk}/contacts/{action}", {"contacts": [contact.pk, huge]})
    assert response.status_code == 400, response.content
    assert "contacts" in error_of(response)["fields"]


@pytest.mark.parametrize("huge", HUGE)
def test_huge_list_ids_in_campaign_audience(api, huge, vt_connection):
    response = api.post("/api/v1/campaigns", {"name": "x", "connection": vt_connection.pk, "text": "hi", "audience": {"lists": [huge]}})
    assert response.status_code == 400, response.content
    assert "audience" in error_of(response)["fields"]


@pytest.mark.parametrize(
    "path",
    [f"/api/v1/contacts/{2**63}", f"/api/v1/lists/{2**64}/contacts", "/api/v1/campaigns/99999999999999999999/launch"],
)
def test_huge_ids_in_paths_are_json_404(api, path):
    response = api.post(path) if path.endswith("launch") else api.get(path)
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/messages", {"campaign": 2**63}),
        ("/api/v1/contacts", {"list": 2**64}),
        ("/api/v1/ledger", {"subaccount": 10**30}),
        ("/api/v1/otp/verify", None),
    ],
)
def test_huge_ids_in_query_and_body_are_400(api, path, params):
    response = api.get(path, params) if params else api.post(path, {"id": 2**63, "code": "123456"})
    assert response.status_code == 400, response.content
    assert error_of(response)["code"] == "validation_error"


@pytest.mark.parametrize("path", ["/api/v1/contacts", "/api/v1/recordings"])
def test_form_bodies_where_none_is_documented_are_415(api, path):
    """The API reads JSON (and multipart for uploads): a 1,500-field form body is refused unread."""
    body = urlencode([(f"f{n}", "x") for n in range(1500)])
    response = api.client.post(path, data=body, content_type="application/x-www-form-urlencoded", **api.headers)
    assert response.status_code == 415
    assert error_of(response)["code"] == "unsupported_media_type"


def test_too_many_fields_is_a_400_even_past_the_parser(rf, api):
    """TooManyFieldsSent raised anywhere in a view becomes the API's 400, not a 500."""
    from django.core.exceptions import TooManyFieldsSent

    from campaigns.api.errors import exception_handler

    response = exception_handler(TooManyFieldsSent("The number of GET/POST parameters exceeded 1000."), {})
    assert response.status_code == 400 and response.data["error"]["code"] == "invalid_request"


def test_more_than_1000_multipart_fields_is_an_api_400(api):
    response = api.client.post("/api/v1/recordings", data={f"f{n}": "x" for n in range(1500)}, **api.headers)
    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_request"


def test_more_than_1000_form_fields_on_the_web_is_a_plain_400_page(world):
    client = login(world.marketer)
    response = client.post("/contacts/new/", data={f"f{n}": "x" for n in range(1500)})
    assert response.status_code == 400
    assert b"could not be read" in response.content


def test_newline_in_an_api_path_is_a_json_404(api):
    response = api.get("/api/v1/contacts/%0A")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert error_of(response)["code"] == "not_found"
