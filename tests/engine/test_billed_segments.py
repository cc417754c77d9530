"""Parts are counted as the connection's provider bills them: Wavy bills a text with an
accent per 70 characters (GSM 03.38 would fit it in one 160-character part), so the
estimate, the reservation, the message and the charge all count Wavy's parts."""

from __future__ import annotations

from decimal import Decimal

from campaigns.models import Account, Campaign, Message
from campaigns.services.estimate import estimate
from campaigns.services.ledger import ledger_sum
from campaigns.services.materialize import materialize
from campaigns.services.messaging import send_single
from campaigns.services.smsinfo import sms_info
from providers.registry import backend_class
from tests.conftest import make_connection
from tests.engine.conftest import add_contacts, make_campaign

# é à è are GSM 03.38 characters: one 160-character part there; 79 characters > 70 for Wavy.
ACCENTED = "Café à la crème: 20% de réduction sur tout le magasin ce week-end, à très vite!"


def test_the_base_interface_bills_the_gsm_count_and_wavy_its_own_table():
    assert sms_info(ACCENTED).encoding == "gsm7" and sms_info(ACCENTED).segments == 1
    assert backend_class("vt").billed_segments(ACCENTED, 1) == 1
    assert backend_class("wavy").billed_segments(ACCENTED, 1) == 2
    assert backend_class("wavy").billed_segments("{curly} ~braces~", 1) == 1


def wavy_campaign(world, contacts: int) -> Campaign:
    conn = make_connection(
        world.account, "wavy", base_url="http://sim.test/wavy", credentials={"username": "u", "authenticationtoken": "t"}
    )
    audience = add_contacts(world.account, [f"+92300123{i:02d}17" for i in range(contacts)])
    return make_campaign(world, audience, connection=conn, text=ACCENTED)


def test_estimate_and_messages_count_wavys_parts(engine_world):
    campaign = wavy_campaign(engine_world, 3)
    est = estimate(campaign)
    assert (est.recipients, est.units, est.cost) == (3, 6, Decimal("0.1200"))  # 2 parts x 0.02 (+92) each

    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.RUNNING)
    campaign.refresh_from_db()
    materialize(campaign)
    assert set(Message.objects.filter(campaign=campaign).values_list("segments", flat=True)) == {2}
    assert Campaign.objects.get(pk=campaign.pk).reserved_amount == Decimal("0.12")


def test_the_same_text_on_vt_is_one_part(engine_world):
    audience = add_contacts(engine_world.account, ["+923001234517"])
    assert estimate(make_campaign(engine_world, audience, text=ACCENTED)).units == 1


def test_a_single_send_is_charged_wavys_parts(engine_world, simulators):
    conn = make_connection(
        engine_world.account, "wavy", base_url="http://sim.test/wavy", credentials={"username": "u", "authenticationtoken": "t"}, mps=0
    )
    message = send_single(account=engine_world.account, connection=conn, channel="sms", to="+923001234517", text=ACCENTED)
    message.refresh_from_db()
    assert message.status == "submitted"
    assert message.segments == 2 and message.cost == Decimal("0.04")
    account = Account.objects.get(pk=engine_world.account.pk)
    assert account.balance == Decimal("99.96") == ledger_sum(account)
