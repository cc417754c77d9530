"""API keys as Bearer tokens, session auth for the browsable API, the one error shape,
unknown URLs, read-only keys, last-used time, per-key rate limits with Retry-After."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from campaigns.api.throttling import PerKeyThrottle
from campaigns.models import ApiKey, Contact
from campaigns.models.api import hash_key
from tests.api.conftest import error_of
from tests.conftest import login

URL = "/api/v1/contacts"


def test_key_is_stored_hashed_with_a_prefix(world):
    key, raw = ApiKey.generate(account=world.account, name="x")
    assert raw.startswith("cpk_") and len(raw) > 40
    assert key.key_hash == hash_key(raw) and raw not in key.key_hash and raw.startswith(key.prefix)


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer cpk_wrong", "Bearer two words", "Token abc", "Basic Zm9vOmJhcg=="])
def test_missing_or_bad_credentials_answer_401_in_the_error_shape(world, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = Client().get(URL, **extra)
    assert response.status_code == 401
    assert error_of(response)["code"] in ("not_authenticated", "authentication_failed")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_revoked_key_and_inactive_account_answer_401(revoked_api, api, world):
    assert revoked_api.get(URL).status_code == 401
    world.account.is_active = False
    world.account.save()
    assert error_of(api.get(URL))["code"] == "authentication_failed"


def test_last_used_is_updated_at_most_once_a_minute(api, world, django_assert_num_queries):
    key = ApiKey.objects.get(name="server")
    assert key.last_used_at is None
    api.get(URL)
    key.refresh_from_db()
    first = key.last_used_at
    assert first is not None
    api.get(URL)
    key.refresh_from_db()
    assert key.last_used_at == first
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now() - timedelta(minutes=2))
    api.get(URL)
    key.refresh_from_db()
    assert key.last_used_at > first


def test_read_only_key_reads_but_never_writes(ro_api, world):
    assert ro_api.get(URL).status_code == 200
    response = ro_api.post(URL, {"phone": "+923001234567"})
    assert response.status_code == 403 and error_of(response)["code"] == "permission_denied"
    assert not Contact.objects.exists()


def test_session_auth_for_the_browsable_api(world):
    admin = login(world.admin)
    assert admin.get(URL, HTTP_ACCEPT="text/html").status_code == 200
    assert admin.get(URL).status_code == 200
    viewer = login(world.viewer)
    assert viewer.get(URL).status_code == 200
    # Viewers read; they may not write through the API either.
    assert viewer.post(URL, {"phone": "+923001234567"}, content_type="application/json").status_code == 403
    outsider = login(world.outsider)
    contact = Contact.objects.create(account=world.account, phone="+923001234567")
    assert outsider.get(f"{URL}/{contact.pk}").status_code == 404


def test_unknown_api_urls_and_methods_use_the_error_shape(api):
    for path in ("/api/v1/nothing-here", "/api/v2/contacts", "/api/", "/api/v1/contacts/999999"):
        response = api.get(path)
        assert response.status_code == 404, path
        assert error_of(response)["code"] == "not_found"
    response = api.put("/api/v1/balance", {})
    assert response.status_code == 405 and error_of(response)["code"] == "method_not_allowed"


def test_malformed_json_is_a_400_in_the_error_shape(api):
    response = api.client.post(URL, data="{not json", content_type="application/json", **api.headers)
    assert response.status_code == 400 and error_of(response)["code"] == "invalid_request"


def test_rate_limit_answers_429_with_retry_after(api, sub_api, monkeypatch):
    monkeypatch.setattr(PerKeyThrottle, "THROTTLE_RATES", {**PerKeyThrottle.THROTTLE_RATES, "api_key": "3/min"})
    assert [api.get(URL).status_code for _ in range(3)] == [200, 200, 200]
    limited = api.get(URL)
    assert limited.status_code == 429
    assert error_of(limited)["code"] == "rate_limited"
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert sub_api.get(URL).status_code == 200  # the limit is per key


def test_other_accounts_key_sees_nothing(outsider_api, world):
    contact = Contact.objects.create(account=world.account, phone="+923001234567")
    assert outsider_api.get(URL).json()["results"] == []
    assert outsider_api.get(f"{URL}/{contact.pk}").status_code == 404
    assert outsider_api.patch(f"{URL}/{contact.pk}", {"first_name": "x"}).status_code == 404


def test_bearer_requests_need_no_csrf_token(world, keys):
    strict = Client(enforce_csrf_checks=True)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {keys.account}"}
    assert strict.post(URL, {"phone": "+923001234567"}, content_type="application/json", **headers).status_code == 201
    unknown = strict.put("/api/v1/contacts/1234567890123456789012", {}, content_type="application/json", **headers)
    assert unknown.status_code == 404 and error_of(unknown)["code"] == "not_found"
    slash = strict.post(f"{URL}/", {}, content_type="application/json", **headers)
    assert slash.status_code == 404 and "trailing slash" in error_of(slash)["message"]
