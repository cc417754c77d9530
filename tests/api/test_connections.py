"""Connections are readable, never their credentials."""

from __future__ import annotations

from tests.api.conftest import assert_access

URL = "/api/v1/connections"


def test_list_without_credentials(api, vt_connection):
    body = api.get(URL).json()["results"]
    assert [c["id"] for c in body] == [vt_connection.pk]
    text = str(body)
    assert "test-key" not in text and vt_connection.webhook_token not in text and "credentials" not in text
    assert "sms" in body[0]["capabilities"]


def test_read_only(api, vt_connection):
    assert api.post(URL, {"name": "x"}).status_code == 405
    assert api.delete(f"{URL}/{vt_connection.pk}").status_code == 405


def test_access_control(apis, vt_connection):
    assert_access(f"{URL}/{vt_connection.pk}", apis)
    assert apis["sub"].get(f"{URL}/{vt_connection.pk}").status_code == 200
