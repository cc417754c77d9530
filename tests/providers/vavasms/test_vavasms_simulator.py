"""The VavaSMS simulator answers the document's paths and shapes."""

from __future__ import annotations

import json

import httpx
import pytest

from providers.simulator.testing import SimulatorTransport
from providers.vavasms.simulator import Simulator

AUTH = {"username": "client@acme.test", "password": "s3cret"}


@pytest.fixture
def client(sim):
    return httpx.Client(transport=SimulatorTransport({"vavasms": sim}), base_url="http://sim.test/vavasms")


def post(client, path, **fields):
    response = client.post(path, data={**AUTH, **fields})
    return response.status_code, (response.json() if "json" in response.headers["content-type"] else response.text)


def test_send_answers_one_lot_and_an_id_per_phone(client, sim):
    status, body = post(client, "/api/v1/text/single", sender_id="ACME", phone="22509000001,22509000002", message="Hi")
    assert status == 200 and body["code"] == 0 and body["message"] == "OPERATION_SUCCES"
    assert body["data"]["lot_id"].startswith("LOT-")
    assert len(body["data"]["message_id"]) == 2
    assert sim.submissions == {"22509000001": 1, "22509000002": 1}


@pytest.mark.parametrize(
    "fields,code",
    [
        ({"sender_id": "AB", "phone": "22509000001", "message": "x"}, "902"),
        ({"sender_id": "ACME", "phone": "22509000001,22509010000", "message": "x"}, "903"),
        ({"sender_id": "ACME", "phone": "2250900abc", "message": "x"}, "903"),
        ({"sender_id": "ACME", "phone": "22509000001", "message": ""}, 709),
    ],
)
def test_send_errors_in_the_documents_shape(client, sim, fields, code):
    _, body = post(client, "/v1/text/single", **fields)
    assert body["code"] == code
    assert sim.stats()["submissions"] == 0


def test_bad_credentials(client):
    response = client.post("/v1/check/balance", data={"username": "u", "password": "bad-one"})
    assert response.json() == {"code": "901", "status": "INVALID_CREDENTIALS", "description": "Identifiant de connexion incorrect"}


def test_rate_limit_answers_429(sim, client):
    sim.rate_limit = 1
    statuses = [post(client, "/v1/check/balance")[0] for _ in range(3)]
    assert 429 in statuses


def test_status_of_unknown_id_is_709(client):
    _, body = post(client, "/v1/text/status", message_id="SM-nope")
    assert body["code"] == 709 and body["message"] == "EXECUTION_ERROR"


def test_unknown_path_is_404(client):
    assert client.post("/v1/nothing", data=AUTH).status_code == 404


def test_reset_forgets_sends(client, sim):
    post(client, "/v1/text/single", sender_id="ACME", phone="22509000001", message="Hi")
    sim.reset()
    assert sim.sent == {} and sim.stats()["submissions"] == 0


def test_mo_without_known_account_is_not_queued(client, sim):
    response = client.post("/_mo", data={"username": "nobody", "from": "22509000001", "content": "x"})
    assert json.loads(response.text)["queued"] is False
    assert sim.drain() == []


def test_simulator_is_found_by_its_slug():
    assert Simulator.slug == "vavasms" and Simulator.account_credential == "username"
