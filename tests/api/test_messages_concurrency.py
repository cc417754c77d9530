"""Concurrent twins with the same Idempotency-Key: exactly one message, one submission.

Truly parallel on PostgreSQL (the `make test` second run). SQLite serializes writers itself
(IMMEDIATE transactions), and its in-memory test database refuses parallel writers
outright ("table is locked"), so there the twins take turns through a lock."""

from __future__ import annotations

import contextlib
import threading

import pytest
from django.db import connection

from campaigns.models import ApiKey, Message, SenderID
from tests.api.conftest import Api

TO = "+923001234512"


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_send_once(world, vt_connection, simulators):
    SenderID.objects.create(account=world.account, channel="sms", value="ACME", status="approved", connection=vt_connection)
    _, raw = ApiKey.generate(account=world.account, name="k")
    barrier = threading.Barrier(4)
    turns = threading.Lock() if connection.vendor == "sqlite" else contextlib.nullcontext()
    results: list = []

    def post():
        api = Api(raw)
        barrier.wait()
        try:
            with turns:
                results.append(api.post("/api/v1/messages", {"to": TO, "text": "once"}, HTTP_IDEMPOTENCY_KEY="same").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert Message.objects.filter(idempotency_key="same").count() == 1
    assert results.count(201) == 1 and set(results) <= {201, 200, 409}, results
    assert simulators["vt"].stats()["submissions"] == 1
