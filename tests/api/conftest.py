"""API test fixtures: keys for the world's account (account-wide, subaccount, read-only,
revoked) and the outsider's account, and a small JSON client."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.test import Client

from campaigns.models import ApiKey


class Api:
    """A test client that sends one API key as a Bearer token and speaks JSON."""

    def __init__(self, raw_key: str | None = None) -> None:
        self.client = Client()
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {raw_key}"} if raw_key else {}

    def _send(self, method: str, path: str, data=None, headers: dict | None = None, **extra):
        kwargs = {**self.headers, **(headers or {}), **extra}
        if data is not None and method != "get":
            kwargs.update(data=json.dumps(data), content_type="application/json")
        elif data is not None:
            kwargs["data"] = data
        return getattr(self.client, method)(path, **kwargs)

    def get(self, path, params=None, **kw):
        return self._send("get", path, params, **kw)

    def post(self, path, data=None, **kw):
        return self._send("post", path, data if data is not None else {}, **kw)

    def patch(self, path, data=None, **kw):
        return self._send("patch", path, data or {}, **kw)

    def put(self, path, data=None, **kw):
        return self._send("put", path, data or {}, **kw)

    def delete(self, path, **kw):
        return self._send("delete", path, None, **kw)

    def multipart(self, path, data: dict):
        return self.client.post(path, data=data, **self.headers)


@dataclass
class Keys:
    account: str
    subaccount: str
    read_only: str
    revoked: str
    outsider: str


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # rate-limit counters and subscription flags must not leak between tests
    yield
    cache.clear()


@pytest.fixture
def keys(world) -> Keys:
    _, account = ApiKey.generate(account=world.account, name="server", created_by=world.admin)
    _, sub = ApiKey.generate(account=world.account, subaccount=world.subaccount, name="marketing", created_by=world.admin)
    _, read_only = ApiKey.generate(account=world.account, name="reports", read_only=True, created_by=world.admin)
    revoked_key, revoked = ApiKey.generate(account=world.account, name="old", created_by=world.admin)
    revoked_key.revoke()
    _, outsider = ApiKey.generate(account=world.other_account, name="globex", created_by=world.outsider)
    return Keys(account, sub, read_only, revoked, outsider)


@pytest.fixture
def api(keys) -> Api:
    return Api(keys.account)


@pytest.fixture
def sub_api(keys) -> Api:
    return Api(keys.subaccount)


@pytest.fixture
def ro_api(keys) -> Api:
    return Api(keys.read_only)


@pytest.fixture
def outsider_api(keys) -> Api:
    return Api(keys.outsider)


@pytest.fixture
def anon_api() -> Api:
    return Api()


@pytest.fixture
def revoked_api(keys) -> Api:
    return Api(keys.revoked)


def error_of(response) -> dict:
    """The error object of an error answer, checking the one shape every error has."""
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "fields"}, body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


def assert_access(url: str, apis: dict, *, method: str = "get", data=None) -> None:
    """The access checks every endpoint gets: no key and revoked key 401, outsider 404."""
    for name in ("anon", "revoked"):
        response = getattr(apis[name], method)(url, data) if data is not None else getattr(apis[name], method)(url)
        assert response.status_code == 401, (name, url, response.content)
        assert error_of(response)["code"] in ("not_authenticated", "authentication_failed")
    response = getattr(apis["outsider"], method)(url, data) if data is not None else getattr(apis["outsider"], method)(url)
    assert response.status_code == 404, (url, response.content)
    assert error_of(response)["code"] == "not_found"


@pytest.fixture
def apis(anon_api, revoked_api, outsider_api, api, sub_api, ro_api) -> dict:
    return {"anon": anon_api, "revoked": revoked_api, "outsider": outsider_api, "account": api, "sub": sub_api, "ro": ro_api}
