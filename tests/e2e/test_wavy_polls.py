"""Wavy pulls: replies push missed come from sms/receive/list (and the hourly
sms/receive/search), deduplicated with pushed ones; statuses from sms/status/list where the
connection enables it. Run by the engine schedule "engine: provider polls"."""

from __future__ import annotations

import time

from campaigns.models import InboundMessage, Message
from campaigns.services.maintenance import SCHEDULES
from campaigns.services.messaging import send_single
from campaigns.services.provider_polls import poll_inbound, poll_status_lists

TO = "+5511987650012"


def wavy_paths(demo) -> list[str]:
    return [r.url.path.removeprefix("/wavy") for r in demo.transport.to("wavy")]


def test_the_polls_are_an_engine_schedule():
    assert ("engine: provider polls", "campaigns.tasks.provider_polls", 1) in SCHEDULES


def test_a_reply_push_missed_comes_from_the_list_once(demo):
    wavy, conn = demo.simulators["wavy"], demo.connections["wavy"]
    sent = send_single(account=demo.account, connection=conn, channel="sms", to=TO, text="Order shipped")
    demo.simulators.deliver(demo.client)
    sent.refresh_from_db()
    wavy.inject_mo("e2e-wavy", TO.lstrip("+"), "thanks!", reply_to=sent.provider_message_id)
    pushed = wavy.drain()  # the push did not arrive (yet)

    assert poll_inbound() == 1
    assert poll_inbound() == 0  # consumed by the list; the hourly search finds it again, deduplicated

    reply = InboundMessage.objects.get()
    assert (reply.text, reply.message_id, reply.from_number) == ("thanks!", sent.pk, TO)
    assert "/v1/sms/receive/list" in wavy_paths(demo) and "/v1/sms/receive/search" in wavy_paths(demo)
    for hook in pushed:  # the late push changes nothing
        demo.client.generic("POST", hook.url.split("testserver", 1)[-1], hook.body, content_type=hook.content_type)
    assert InboundMessage.objects.count() == 1


def test_search_runs_hourly(demo):
    poll_inbound(now=time.time())
    poll_inbound(now=time.time() + 60)
    poll_inbound(now=time.time() + 3700)

    assert wavy_paths(demo).count("/v1/sms/receive/search") == 2
    assert wavy_paths(demo).count("/v1/sms/receive/list") == 3


def test_replies_are_not_polled_when_switched_off(demo):
    conn = demo.connections["wavy"]
    conn.settings = {"poll_replies": False}
    conn.save()

    poll_inbound()

    assert wavy_paths(demo) == []


def test_status_list_pulled_only_where_enabled(demo):
    wavy, conn = demo.simulators["wavy"], demo.connections["wavy"]
    message = send_single(account=demo.account, connection=conn, channel="sms", to=TO, text="Hi")
    wavy.drain()  # callbacks lost

    assert poll_status_lists() == 0
    assert "/v1/sms/status/list" not in wavy_paths(demo)

    conn.settings = {"poll_statuses": True}
    conn.save()
    assert poll_status_lists() == 1

    message.refresh_from_db()
    assert message.status == "delivered" and Message.objects.get(pk=message.pk).network
