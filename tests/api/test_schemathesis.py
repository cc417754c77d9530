"""Property-based run of schemathesis against our own OpenAPI schema, in-process over WSGI,
with a valid key: no 5xx, and every response (errors included) matches the schema.
Bounded (a few examples per operation) so the whole run stays well under two minutes."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from campaigns.models import Contact, ContactList
from tests.conftest import make_connection

MAX_EXAMPLES = 10
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]


@pytest.fixture
def api_schema(db):
    # Like Django's test client: requests must not close the test's connection (its transaction).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def seeded(world, keys, approved_sender, monkeypatch):
    """Some objects for the fuzzer to find, and no rate limit in the way."""
    from campaigns.api.throttling import PerKeyThrottle

    monkeypatch.setattr(PerKeyThrottle, "THROTTLE_RATES", {"api_key": "100000/min", "api_send": "100000/min"})
    contact = Contact.objects.create(account=world.account, phone="+923001234567")
    ContactList.objects.create(account=world.account, name="Seed").contacts.add(contact)
    make_connection(
        world.account, "vavasms", name="otp", base_url="http://sim.test/vavasms", credentials={"username": "u", "password": "p"}
    )
    return keys


def test_api_answers_within_its_schema(api_schema, seeded, simulators):
    headers = {"Authorization": f"Bearer {seeded.account}"}
    failures, operations = [], 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
        def exercise(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            exercise()
        except Exception as exc:  # collect every operation's failure, then report them all
            failures.append(f"{operation.label}: {str(exc)[:1500]}")
    assert operations > 40
    assert not failures, "\n\n".join(failures)
