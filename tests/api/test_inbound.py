"""Inbound messages (replies, USSD, DTMF): read-only, scoped."""

from __future__ import annotations

from campaigns.models import Campaign, InboundMessage
from tests.api.conftest import assert_access

URL = "/api/v1/inbound-messages"


def test_list_filter_retrieve(api, world, vt_connection):
    stop = InboundMessage.objects.create(
        account=world.account, connection=vt_connection, from_number="+923001234567", text="STOP", is_opt_out=True
    )
    InboundMessage.objects.create(account=world.account, connection=vt_connection, from_number="+923009999999", text="hello")
    assert len(api.get(URL).json()["results"]) == 2
    assert [m["id"] for m in api.get(URL, {"is_opt_out": "true"}).json()["results"]] == [stop.pk]
    assert [m["text"] for m in api.get(URL, {"from_number": "+923009999999"}).json()["results"]] == ["hello"]
    assert api.get(f"{URL}/{stop.pk}").json()["text"] == "STOP"
    assert api.post(URL, {}).status_code == 405


def test_access_control(apis, world, vt_connection):
    campaign = Campaign.objects.create(account=world.account, subaccount=world.subaccount, name="c")
    reply = InboundMessage.objects.create(account=world.account, from_number="+923001234567", campaign=campaign)
    stray = InboundMessage.objects.create(account=world.account, from_number="+923001234568")
    assert_access(f"{URL}/{reply.pk}", apis)
    assert [m["id"] for m in apis["sub"].get(URL).json()["results"]] == [reply.pk]
    assert apis["sub"].get(f"{URL}/{stray.pk}").status_code == 404
