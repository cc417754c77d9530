"""Wavy after a crash: messages left `unknown` are reconciled through the status query,
paced at Wavy's 1 request per second per IP, within two engine ticks."""

from __future__ import annotations

from itertools import pairwise

from campaigns.models import InboundMessage, Message
from campaigns.services.maintenance import tick
from campaigns.services.messaging import send_single
from tests.e2e.conftest import compose, run

RECIPIENTS = 250


def test_crash_time_unknowns_are_reconciled_within_two_ticks(demo):
    wavy = demo.simulators["wavy"]
    numbers = [f"+5511987{i:06d}" for i in range(1, RECIPIENTS + 1)]
    campaign = compose(
        demo,
        {"name": "Crash", "channel": "sms", "connection": demo.connections["wavy"].pk},
        sender=demo.senders["sms"],
        content={"text": "Hello"},
        numbers=numbers,
        list_name="Crash",
    )
    campaign = run(demo, campaign, rounds=0)
    wavy.drain()  # the callbacks were lost with the crash
    # The worker died after Wavy accepted the requests: we never stored Wavy's ids.
    Message.objects.filter(campaign=campaign).update(status="unknown", provider_message_id="")
    wavy.status_queries.clear()

    tick()
    tick()

    final = dict(Message.objects.filter(campaign=campaign).values_list("to", "status"))
    expected = {n: ("undelivered" if n.endswith("9") and n[-2] != "1" else "delivered") for n in numbers}
    expected.update({n: "expired" for n in numbers if n.endswith("8") and n[-2] != "1"})
    expected.update({n: "rejected" for n in numbers if n.endswith("7") and n[-2] != "1"})
    assert final == expected
    assert all(Message.objects.filter(campaign=campaign).values_list("provider_message_id", flat=True))
    codes = [code for _, code in wavy.status_queries]
    accepted = [at for at, code in wavy.status_queries if code == 200]
    # Paced at Wavy's limit; a query that left on time but arrived early (a loaded machine)
    # is refused with 429 and asked again after Retry-After, never given up.
    assert codes and codes[-1] == 200 and codes.count(429) <= len(codes) // 3, codes
    assert all(later == 200 for earlier, later in pairwise(codes) if earlier == 429), codes
    assert all(later - earlier >= 1.0 for earlier, later in pairwise(accepted))
    assert wavy.stats()["submissions"] == RECIPIENTS and not wavy.stats()["duplicates"]


def test_a_reply_is_linked_to_the_message_wavy_names(demo):
    wavy = demo.simulators["wavy"]
    conn = demo.connections["wavy"]
    to = "+5511987650012"
    first = send_single(account=demo.account, connection=conn, channel="sms", to=to, text="Your order shipped")
    send_single(account=demo.account, connection=conn, channel="sms", to=to, text="Rate us")
    demo.simulators.deliver(demo.client)
    first.refresh_from_db()

    wavy.inject_mo("e2e-wavy", to.lstrip("+"), "where is it?", reply_to=first.provider_message_id)
    demo.simulators.deliver(demo.client)

    reply = InboundMessage.objects.get(text="where is it?")
    assert reply.message_id == first.pk
