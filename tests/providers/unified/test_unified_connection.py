"""test_connection: an empty request that cannot send anything tells whether the host and
credentials work (Unified has no balance endpoint)."""

from __future__ import annotations

import httpx

from tests.providers.unified.conftest import backend_on


def test_good_credentials(make_backend, sim):
    check = make_backend().test_connection()
    assert check.ok and "1702" in check.message
    assert sim.stats()["submissions"] == 0


def test_bad_credentials(make_backend):
    check = make_backend(credentials={"username": "acme", "password": "bad"}).test_connection()
    assert not check.ok and "1703" in check.message


def test_ip_not_whitelisted():
    check = backend_on(httpx.MockTransport(lambda r: httpx.Response(200, text="18"))).test_connection()
    assert not check.ok and "whitelisted" in check.message.lower()


def test_missing_host():
    check = backend_on(httpx.MockTransport(lambda r: httpx.Response(200)), base_url="").test_connection()
    assert not check.ok and "base URL" in check.message


def test_unreachable_host():
    def refused(request):
        raise httpx.ConnectError("refused", request=request)

    check = backend_on(httpx.MockTransport(refused)).test_connection()
    assert not check.ok


def test_a_host_that_is_not_unified():
    check = backend_on(httpx.MockTransport(lambda r: httpx.Response(404, text="<html>nope</html>"))).test_connection()
    assert not check.ok and "404" in check.message
