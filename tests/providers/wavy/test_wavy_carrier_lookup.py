"""carrier_lookup through /v1/carrier/lookup, and test_connection."""

from __future__ import annotations

import json

import httpx
import pytest

from providers.base import CarrierInfo, ErrorClass, ProviderException

LOOKUP_REPLY = {
    "id": "aadb5130-7dd7-11e7-baac-a6aabe61edb5",
    "destinations": [
        {"destination": "5519997712322", "active": True, "carrier": {"name": "VIVO", "countryCode": "BR"}},
        {"destination": "5519997712322", "active": True, "carrier": {"name": "VIVO", "countryCode": "BR"}},
        {"destination": "2312312", "active": False, "carrier": {"name": "UNKNOWN"}},
    ],
}


def test_document_sample_request_and_reply(respx_backend):
    backend, router = respx_backend
    route = router.post("/v1/carrier/lookup").mock(return_value=httpx.Response(200, json=LOOKUP_REPLY))

    infos = backend.carrier_lookup(["+55(19)997712322", "+5519997712322", "2312312"])

    assert json.loads(route.calls.last.request.content) == {"destinations": ["5519997712322", "5519997712322", "2312312"]}
    assert infos[0] == CarrierInfo(number="+55(19)997712322", valid=True, carrier="VIVO", country="BR")
    assert infos[1].valid and infos[1].number == "+5519997712322"
    assert infos[2].valid is False and infos[2].carrier == "" and infos[2].error


def test_lookup_against_the_simulator(backend):
    valid, invalid = backend.carrier_lookup(["+5511987654321", "+5511987650000"])

    assert valid.valid and valid.carrier and valid.country == "BR"
    assert not invalid.valid


def test_lookup_refused_raises_a_classed_error(backend_for):
    backend = backend_for(credentials={"username": "acme", "authenticationtoken": "bad-token"})

    with pytest.raises(ProviderException) as caught:
        backend.carrier_lookup(["+5511987654321"])

    assert caught.value.error.error_class == ErrorClass.ACCOUNT


def test_connection_check_passes_with_good_credentials(backend):
    check = backend.test_connection()

    assert check.ok
    assert "accepted" in check.message


def test_connection_check_explains_a_bad_token(backend_for):
    check = backend_for(credentials={"username": "acme", "authenticationtoken": "bad-token"}).test_connection()

    assert not check.ok
    assert "Unauthorized" in check.message


def test_connection_check_when_unreachable(respx_backend):
    backend, router = respx_backend
    router.post("/v1/sms/status/search").mock(side_effect=httpx.ConnectError("no route"))

    check = backend.test_connection()

    assert not check.ok and "no route" in check.message
