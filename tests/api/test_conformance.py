"""What the schemathesis run found, pinned down: wrongly typed query parameters are refused,
responses stay inside their enums, only documented content types are read."""

from __future__ import annotations

import pytest
import yaml
from django.core.management import call_command

from campaigns.models import SenderID
from tests.api.conftest import error_of


@pytest.mark.parametrize("value", ["abc", "0", "501", "-1", "1.5"])
def test_bad_page_size_is_400(api, value):
    response = api.get("/api/v1/contacts", {"page_size": value})
    assert response.status_code == 400 and "page_size" in error_of(response)["fields"]


def test_good_page_size_and_repeated_one(api):
    assert api.get("/api/v1/contacts", {"page_size": "10"}).status_code == 200
    assert api.get("/api/v1/contacts?page_size=10&page_size=20").status_code == 400


@pytest.mark.parametrize("value", ["1", "0", "yes", "True "])
def test_boolean_filters_take_true_or_false_only(api, value):
    response = api.get("/api/v1/connections", {"is_active": value})
    assert response.status_code == 400 and "is_active" in error_of(response)["fields"]


def test_boolean_filter_filters(api, vt_connection):
    assert [c["id"] for c in api.get("/api/v1/connections", {"is_active": "true"}).json()["results"]] == [vt_connection.pk]
    assert api.get("/api/v1/connections", {"is_active": "false"}).json()["results"] == []


@pytest.mark.parametrize("query", ["status=", "status=failed&status=delivered", "kind=&status=failed"])
def test_empty_or_repeated_choice_filters_are_400(api, query):
    response = api.get(f"/api/v1/event-deliveries?{query}")
    assert response.status_code == 400, response.content


def test_multiple_choice_filter_may_repeat(api):
    assert api.get("/api/v1/messages?status=failed&status=delivered").status_code == 200


def test_ussd_sender_id_is_inside_the_response_enum(api, world, tmp_path):
    SenderID.objects.create(account=world.account, channel="ussd", value="*123#", status=SenderID.Status.APPROVED)
    assert api.get("/api/v1/sender-ids").json()["results"][0]["channel"] == "ussd"
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--file", str(target))
    schemas = yaml.safe_load(target.read_text())["components"]["schemas"]
    assert schemas["SenderID"]["properties"]["channel"] == {"$ref": "#/components/schemas/ChannelEnum"}
    assert "ussd" in schemas["ChannelEnum"]["enum"]
    assert "ussd" not in schemas["SenderIDRequest"]["properties"]["channel"].get("enum", ["sms"])


def test_only_documented_content_types_are_read(api, tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--file", str(target))
    paths = yaml.safe_load(target.read_text())["paths"]
    for path, item in paths.items():
        for method, operation in item.items():
            body = operation.get("requestBody", {}).get("content", {}) if isinstance(operation, dict) else {}
            expected = {"multipart/form-data"} if path == "/api/v1/recordings" else {"application/json"}
            assert not body or set(body) == expected, (method, path, set(body))
    response = api.client.post("/api/v1/contacts", {"phone": "+923001234567"}, **api.headers)  # multipart
    assert response.status_code == 415 and error_of(response)["code"] == "unsupported_media_type"
