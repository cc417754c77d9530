"""Balance and test_connection through /api/v1/check/balance."""

from __future__ import annotations

from decimal import Decimal

DOC_BALANCE = """{
"code": 0,
"message": "OPERATION_SUCCES",
"data": {
"amount": 25540,
"currency": "XOF"
}
}"""
DOC_INVALID = """{
"code": 901,
"message": "INVALID_CREDENTIALS",
"description": "Identifiant de connexion incorrect",
"data": []
}"""


def test_balance_request_and_the_documents_reply(canned):
    backend, recorder = canned(DOC_BALANCE)
    check = backend.test_connection()
    assert str(recorder.requests[0].url) == "http://sim.test/vavasms/v1/check/balance"
    assert recorder.form() == {"username": "client@acme.test", "password": "s3cret"}
    assert check.ok and check.balance == Decimal("25540") and check.currency == "XOF"
    assert "25540 XOF" in check.message


def test_bad_credentials_fail_the_check_with_a_message(canned):
    backend, _ = canned(DOC_INVALID)
    check = backend.test_connection()
    assert not check.ok and check.balance is None
    assert "Identifiant de connexion incorrect" in check.message


def test_simulator_balance(make_backend):
    assert make_backend().test_connection().balance == Decimal("25540")
    assert make_backend(credentials={"username": "nobalance@x", "password": "p"}).test_connection().balance == Decimal("0")
    assert not make_backend(credentials={"username": "u@x", "password": "bad"}).test_connection().ok


def test_unreachable_provider_fails_the_check(canned):
    backend, _ = canned((503, "down"))
    check = backend.test_connection()
    assert not check.ok and check.message
