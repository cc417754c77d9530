"""USSD menu campaigns (answers recorded, next step sent) and voice (call outcome, DTMF,
billing per answered 30 s pulse, release when unanswered)."""

from __future__ import annotations

from decimal import Decimal

from campaigns.models import Account, Message, Price, UssdSession
from campaigns.services.campaigns import launch
from campaigns.services.ledger import ledger_sum
from tests.engine.conftest import add_contacts, make_campaign, post_hook

STEPS = [{"text": "Pick 1) Tea 2) Coffee", "options": {"1": "Tea", "2": "Coffee"}}, {"text": "Sugar? 1) Yes 2) No"}, {"text": "Thanks!"}]


def setup_channel(engine_world, fake_provider, channel: str, unit: str, amount: str):
    conn, sim = fake_provider
    Price.objects.create(account=engine_world.account, channel=channel, prefix="", unit=unit, amount=Decimal(amount))
    sender = engine_world.sender
    sender.channel, sender.connection = channel, conn
    sender.save()
    return conn, sim


def test_ussd_menu_walks_the_steps(engine_world, fake_provider, client):
    conn, _sim = setup_channel(engine_world, fake_provider, "ussd", "message", "0.01")
    contacts = add_contacts(engine_world.account, ["+923001234517"])
    campaign = make_campaign(engine_world, contacts, channel="ussd", connection=conn, text="", content={"steps": STEPS})
    launch(campaign)
    first = Message.objects.get(campaign=campaign)
    assert first.status == "submitted" and first.text == STEPS[0]["text"] and first.payload["op"] == "init"
    session = UssdSession.objects.get(campaign=campaign)
    answer = {
        "inbound": [{"from": "+923001234517", "text": "2", "kind": "ussd", "session": session.session_id, "op": "mo-cont", "id": "u1"}]
    }
    assert post_hook(client, conn, answer).status_code == 200
    session.refresh_from_db()
    assert session.answers[0]["answer"] == "2" and session.answers[0]["choice"] == "Coffee" and session.step == 1
    second = Message.objects.filter(payload__session_id=session.session_id, campaign__isnull=True).get()
    assert second.text == STEPS[1]["text"] and second.payload["op"] == "cont" and second.status == "submitted"
    answer["inbound"][0].update(text="1", id="u2")
    post_hook(client, conn, answer)
    last = Message.objects.filter(payload__session_id=session.session_id, campaign__isnull=True).order_by("-id").first()
    assert last.text == "Thanks!" and last.payload["op"] == "fin"
    session.refresh_from_db()
    assert session.step == 2 and len(session.answers) == 2


def test_voice_answered_is_charged_per_pulse_and_unanswered_released(engine_world, fake_provider, client):
    conn, _sim = setup_channel(engine_world, fake_provider, "voice", "pulse30", "0.10")
    contacts = add_contacts(engine_world.account, ["+923001234517", "+923001234527"])
    campaign = make_campaign(engine_world, contacts, channel="voice", connection=conn, text="Your code is 1234", content={"kind": "otp"})
    launch(campaign)
    answered, unanswered = Message.objects.filter(campaign=campaign).order_by("to")
    assert answered.cost == 0  # voice is billed from the report, not at submission
    body = {
        "statuses": [
            {"id": answered.provider_message_id, "status": "delivered", "outcome": "answered", "dtmf": "1", "duration": 42},
            {"id": unanswered.provider_message_id, "status": "undelivered", "outcome": "unanswered"},
        ]
    }
    post_hook(client, conn, body)
    answered.refresh_from_db()
    unanswered.refresh_from_db()
    assert (answered.call_outcome, answered.call_dtmf, answered.call_duration) == ("answered", "1", 42)
    assert answered.cost == Decimal("0.20")  # 42 s = two 30 s pulses
    assert unanswered.cost == 0 and unanswered.call_outcome == "unanswered"
    account = Account.objects.get(pk=engine_world.account.pk)
    assert account.balance == ledger_sum(account)
    campaign.refresh_from_db()
    assert campaign.spent == Decimal("0.20")
    post_hook(client, conn, body)  # a repeated report charges nothing more
    assert Account.objects.get(pk=engine_world.account.pk).balance == account.balance
