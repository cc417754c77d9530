"""Property-based run of schemathesis against our own OpenAPI schema, in-process over WSGI,
with a valid key: no 5xx, and every response (errors included) matches the schema.
Bounded (a few examples per operation) so the whole run stays well under two minutes."""

from __future__ import annotations

import phonenumbers
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import checks
from schemathesis.config import SchemathesisConfig
from schemathesis.generation import GenerationMode

from campaigns.models import Contact, ContactList
from tests.conftest import make_connection

MAX_EXAMPLES = 6
# 422 is documented as a refusal of a well-formed request by a business rule (an unapproved
# sender, no balance, a launch check): schema-valid data may meet it, so it counts as accepted.
CONFIG = SchemathesisConfig.from_dict(
    {"checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "3xx", "401", "403", "404", "409", "422", "429"]}}}
)
checks.load_all_checks()
# Our own string format "phone" (a number valid for its country): give the generator real ones.
schemathesis.openapi.format(
    "phone",
    st.sampled_from(
        [
            phonenumbers.format_number(phonenumbers.example_number_for_type(region, kind), phonenumbers.PhoneNumberFormat.E164)
            for region in ("PK", "BR", "GB", "US", "IN", "NG", "DE", "AE")
            for kind in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE)
        ]
    ),
)
CHECKS = list(checks.CHECKS.get_all())  # every check schemathesis has, not only "no 5xx"


@pytest.fixture
def api_schema(db):
    # Like Django's test client: requests must not close the test's connection (its transaction).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application(), config=CONFIG)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def seeded(world, keys, approved_sender, vt_connection, monkeypatch):
    """Some objects for the fuzzer to find, and no rate limit in the way."""
    from campaigns.api.throttling import PerKeyThrottle

    monkeypatch.setattr(PerKeyThrottle, "THROTTLE_RATES", {"api_key": "100000/min", "api_send": "100000/min"})
    contact = Contact.objects.create(account=world.account, phone="+923001234567")
    ContactList.objects.create(account=world.account, name="Seed").contacts.add(contact)
    make_connection(
        world.account, "vavasms", name="otp", base_url="http://sim.test/vavasms", credentials={"username": "u", "password": "p"}
    )
    from campaigns.services.inbound import apply_inbound
    from providers.base import InboundItem

    apply_inbound(vt_connection, [InboundItem(kind="sms", from_number="+923001234567", text="hello", to="ACME")])  # a conversation
    return keys


def test_api_answers_within_its_schema(api_schema, seeded, simulators):
    headers = {"Authorization": f"Bearer {seeded.account}"}
    failures, operations = [], 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
            def exercise(case):
                case.call_and_validate(headers=headers, checks=CHECKS)

            try:
                exercise()
            except (Exception, BaseExceptionGroup) as exc:  # schemathesis raises a FailureGroup (a BaseExceptionGroup)
                failures.append(f"{operation.label} [{mode.value}]: {str(exc)[:1500]}")
    assert operations > 40
    assert not failures, "\n\n".join(failures)


@schemathesis.hook("filter_body")
def whatsapp_senders_are_real_numbers(context, body) -> bool:
    """A WhatsApp sender ID must be a number valid for its country. The schema says so
    (``format: phone`` in the channel's ``anyOf`` branch), but the generator does not apply
    custom formats inside ``anyOf``: keep only bodies that honour it."""
    if context.operation is None or not context.operation.path.endswith("/sender-ids") or not isinstance(body, dict):
        return True
    if body.get("channel") != "whatsapp" or not isinstance(body.get("value"), str):
        return True
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(body["value"].strip(), None))
    except phonenumbers.NumberParseException:
        return False
