"""V-Appstore through the whole portal: an SMS campaign (one sms/send per shared text)
and a USSD menu campaign whose answers the simulated users give, recorded per contact."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from campaigns.models import Campaign, InboundMessage, Message, Price, SenderID, Suppression, UssdSession
from campaigns.services.campaigns import launch
from campaigns.services.counts import campaign_counts
from campaigns.services.ledger import top_up
from providers.registry import backend_for
from providers.simulator.base import SimRequest
from tests.conftest import make_connection
from tests.engine.conftest import add_contacts

MENU = "Which offer?\n1. Data\n2. Minutes\n3. SMS"


@pytest.fixture
def vapp(world):
    account = world.account
    conn = make_connection(
        account, "vappstore", base_url="http://sim.test/vappstore", credentials={"applicationId": "APP_E2E", "password": "pw"}, mps=0
    )
    for channel in ("sms", "ussd"):
        Price.objects.create(account=account, channel=channel, prefix="", unit=Price.Unit.SEGMENT, amount=Decimal("0.01"))
    top_up(account, Decimal("100"), description="test money")
    world.connection = conn
    return world


def test_sms_campaign_is_one_request_and_reports_come_back(vapp, simulators, client):
    sender = SenderID.objects.create(
        account=vapp.account, channel="sms", value="667", status=SenderID.Status.APPROVED, connection=vapp.connection
    )
    numbers = [f"+67928701{i}" for i in range(10)] + ["+6792870009", "+6792870008"]
    contacts = add_contacts(vapp.account, numbers)
    campaign = Campaign.objects.create(
        account=vapp.account,
        name="Fiji",
        channel="sms",
        connection=vapp.connection,
        sender=sender,
        text="Bula!",
        audience={"lists": [contacts.pk]},
    )
    launch(campaign, vapp.marketer)

    assert simulators["vappstore"].stats()["submissions"] == 12
    assert simulators["vappstore"].stats()["requests"] == 1
    assert set(simulators.deliver(client)) == {200}
    counts = campaign_counts(campaign)
    assert (counts["delivered"], counts["undelivered"], counts["expired"]) == (10, 1, 1), counts


def test_ussd_menu_campaign_records_each_answer(vapp, simulators, client):
    numbers = ["+6792870942", "+6792870943"]
    contacts = add_contacts(vapp.account, numbers)
    steps = [{"text": MENU, "options": {"1": "Data", "2": "Minutes", "3": "SMS"}}, {"text": "Thank you!"}]
    campaign = Campaign.objects.create(
        account=vapp.account,
        name="Menu",
        channel="ussd",
        connection=vapp.connection,
        content={"steps": steps},
        audience={"lists": [contacts.pk]},
    )
    launch(campaign, vapp.marketer)
    assert Message.objects.filter(campaign=campaign, status="submitted").count() == 2

    assert set(simulators.deliver(client)) == {200}  # the users' answers -> the last step goes out
    answers = {s.phone: s.answers for s in UssdSession.objects.filter(campaign=campaign)}
    assert answers["+6792870942"][0]["answer"] == "3" and answers["+6792870942"][0]["choice"] == "SMS"
    assert answers["+6792870943"][0]["choice"] == "Data"
    finals = Message.objects.filter(channel="ussd", payload__op="fin")
    assert finals.count() == 2
    assert {m.status for m in finals} == {"submitted"}


def user_texts(simulators, number: str, text: str) -> None:
    body = json.dumps({"applicationId": "APP_E2E", "from": number, "message": text}).encode()
    simulators["vappstore"].handle(SimRequest("POST", "/_user/sms", body=body))


def test_mo_stop_becomes_an_inbound_message_and_a_suppression(vapp, simulators, client):
    user_texts(simulators, "+6792870941", "STOP")
    assert simulators.deliver(client) == [200]
    inbound = InboundMessage.objects.get(connection=vapp.connection)
    assert (inbound.from_number, inbound.text, inbound.kind) == ("+6792870941", "STOP", "sms")
    assert Suppression.objects.filter(account=vapp.account, phone="+6792870941").exists()


def test_unsubscription_notify_suppresses_and_subscription_lifts_it(vapp, simulators, client):
    backend = backend_for(vapp.connection)
    backend.set_subscription("+6792870941", True)
    backend.set_subscription("+6792870941", False)
    assert simulators.deliver(client) == [200, 200]
    assert Suppression.objects.filter(account=vapp.account, phone="+6792870941").exists()
    backend.set_subscription("+6792870941", True)
    assert simulators.deliver(client) == [200]
    assert not Suppression.objects.filter(account=vapp.account, phone="+6792870941").exists()
