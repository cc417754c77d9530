"""Each backend declares its limits (text length, Unicode, sender rules): the API, the
composer's launch and sender approval refuse what breaks them with a clear message, and a
message that breaks them anyway fails without a request (it never stays pending)."""

from __future__ import annotations

import pytest

from campaigns.forms.admin_senders import SenderDecisionForm
from campaigns.models import Message, SenderID
from campaigns.services.campaigns import validate_for_launch
from campaigns.services.ledger import top_up
from campaigns.services.messaging import SendError, send_messages, send_single
from providers.base import SenderRule
from providers.registry import backend_class
from tests.conftest import make_connection

LONG = "x" * 900
THIRTEEN_DIGITS = "9230012345678"


@pytest.mark.parametrize(
    ("slug", "channel", "text", "refused"),
    [
        ("vt", "sms", "x" * 800, False),
        ("vt", "sms", "x" * 801, True),
        ("wavy", "sms", "x" * 1281, True),
        ("vappstore", "sms", "Salām ābols", True),  # the document has no Unicode encoding
        ("vt", "sms", "Salām ābols", False),
    ],
)
def test_text_limits_declared_by_each_backend(slug, channel, text, refused):
    from campaigns.services.smsinfo import sms_info

    assert bool(backend_class(slug).text_problem(channel, text, sms_info(text).encoding)) is refused


@pytest.mark.parametrize(
    ("slug", "sender", "refused"),
    [
        ("vavasms", "AB", True),
        ("vavasms", "ACME", False),
        ("vavasms", THIRTEEN_DIGITS, True),
        ("unified", THIRTEEN_DIGITS, False),
        ("unified", "ABCDEFGHIJKL", True),
        ("vt", THIRTEEN_DIGITS, False),
    ],
)
def test_sender_rules_declared_by_each_backend(slug, sender, refused):
    assert bool(backend_class(slug).sender_problem("sms", sender)) is refused


def test_sender_rule_messages_say_the_rule():
    assert "3 to 11" in SenderRule(alphanumeric_min=3).problem("AB")
    assert "18 digits" in SenderRule().problem("1" * 19)


def test_single_send_of_a_too_long_text_is_refused_before_anything_exists(world):
    conn = make_connection(world.account, "vt")
    with pytest.raises(SendError, match="at most 800 characters"):
        send_single(account=world.account, connection=conn, channel="sms", to="+923001234512", text=LONG)
    assert not Message.objects.exists()


def test_vappstore_single_send_applies_the_campaign_unicode_rule(world):
    conn = make_connection(world.account, "vappstore", credentials={"applicationId": "APP_1", "password": "pw"})
    with pytest.raises(SendError, match="cannot send Unicode"):
        send_single(account=world.account, connection=conn, channel="sms", to="+6792870912", text="Salām")


def test_api_send_answers_the_limit_clearly(world, simulators):
    from campaigns.models import ApiKey
    from tests.api.conftest import Api

    make_connection(world.account, "vt", credentials={"apikey": "acme-key"})
    _, raw = ApiKey.generate(account=world.account, name="server", created_by=world.admin)

    response = Api(raw).post("/api/v1/messages", {"to": "+923001234512", "text": LONG})

    assert response.status_code in (400, 422), response.content
    assert "800 characters" in response.content.decode()
    assert simulators["vt"].stats()["submissions"] == 0


def test_a_pending_message_breaking_the_sender_rule_fails_without_a_request(world, simulators):
    top_up(world.account, 10)
    conn = make_connection(world.account, "vavasms", credentials={"username": "acme@v.test", "password": "pw"})
    message = Message.objects.create(
        account=world.account, connection=conn, channel="sms", sender=THIRTEEN_DIGITS, to="+2250700000012", text="Hi"
    )

    send_messages([message.pk])

    message.refresh_from_db()
    assert (message.status, message.error_code) == ("failed", "sender_invalid")
    assert "at most 11 digits" in message.error_message
    assert simulators["vavasms"].requests == 0


def test_approving_a_sender_its_connection_refuses_says_why(world):
    conn = make_connection(world.account, "vavasms", credentials={"username": "acme@v.test", "password": "pw"})
    sender = SenderID.objects.create(account=world.account, channel="sms", value=THIRTEEN_DIGITS, connection=conn)

    form = SenderDecisionForm({"action": "approve"}, sender=sender)

    assert not form.is_valid()
    assert "VavaSMS" in str(form.non_field_errors()) and "11" in str(form.non_field_errors())


def test_launch_refuses_a_sender_the_connection_refuses(world):
    conn = make_connection(world.account, "unified", credentials={"username": "u", "password": "p"})
    sender = SenderID.objects.create(account=world.account, channel="sms", value="ABCDEFGHIJKL", status=SenderID.Status.APPROVED)
    from campaigns.models import Campaign

    campaign = Campaign.objects.create(account=world.account, name="c", channel="sms", connection=conn, sender=sender, text="Hi")

    assert any("at most 11 characters" in e for e in validate_for_launch(campaign))
