"""/api/v1/conversations/{id}/assign, /done, /reopen (the web's service functions), the
audit trail of assign, done and reply, and unread kept per user."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from campaigns.models import AuditEvent, Conversation, Price, Subaccount
from campaigns.services.inbound import apply_inbound
from campaigns.services.ledger import top_up
from providers.base import InboundItem
from tests.api.conftest import error_of
from tests.conftest import login

URL = "/api/v1/conversations"
PHONE = "+923001234567"


def mo(connection, text: str, phone: str = PHONE) -> Conversation:
    apply_inbound(connection, [InboundItem(kind="sms", from_number=phone, text=text, to="8333")])
    return Conversation.objects.get(phone=phone)


def audit_of(conversation: Conversation, action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, target_type="conversation", target_id=str(conversation.pk)))


def test_assign_through_the_api_is_checked_and_audited(api, world, vt_connection):
    conversation = mo(vt_connection, "who can help me?")
    answer = api.post(f"{URL}/{conversation.pk}/assign", {"user": world.marketer.pk})
    assert answer.status_code == 200, answer.content
    assert answer.json()["assigned_to"] == world.marketer.pk
    assert Conversation.objects.get(pk=conversation.pk).assigned_to == world.marketer
    (event,) = audit_of(conversation, "conversation.assigned")
    assert event.actor_kind == "api_key" and event.changes == {"assigned_to": [None, world.marketer.email]}

    for stranger in (world.viewer.pk, world.outsider.pk, 9_999_999):  # a viewer, another account's user, nobody
        refused = api.post(f"{URL}/{conversation.pk}/assign", {"user": stranger})
        assert refused.status_code == 400 and error_of(refused)["fields"] == {"user": ["not assignable"]}
    assert api.post(f"{URL}/{conversation.pk}/assign", {"user": "me"}).status_code == 400
    assert api.post(f"{URL}/{conversation.pk}/assign", {}).status_code == 400
    assert Conversation.objects.get(pk=conversation.pk).assigned_to == world.marketer

    unassigned = api.post(f"{URL}/{conversation.pk}/assign", {"user": None})
    assert unassigned.status_code == 200 and unassigned.json()["assigned_to"] is None
    assert len(audit_of(conversation, "conversation.assigned")) == 2


def test_done_and_reopen_through_the_api(api, world, vt_connection):
    conversation = mo(vt_connection, "thanks")
    done = api.post(f"{URL}/{conversation.pk}/done")
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert [c["id"] for c in api.get(URL, {"status": "done"}).json()["results"]] == [conversation.pk]
    assert api.post(f"{URL}/{conversation.pk}/done").json()["status"] == "done"  # again: no second event
    assert len(audit_of(conversation, "conversation.done")) == 1
    reopened = api.post(f"{URL}/{conversation.pk}/reopen")
    assert reopened.status_code == 200 and reopened.json()["status"] == "open"
    assert Conversation.objects.get(pk=conversation.pk).done_at is None
    assert len(audit_of(conversation, "conversation.reopened")) == 1


def test_actions_respect_keys_and_subaccounts(apis, world, vt_connection):
    ours = mo(vt_connection, "to marketing")
    sales = Subaccount.objects.create(account=world.account, name="Sales")
    theirs = mo(vt_connection, "to sales", phone="+923001234569")
    Conversation.objects.filter(pk=theirs.pk).update(subaccount=sales)
    Conversation.objects.filter(pk=ours.pk).update(subaccount=world.subaccount)
    for action in ("done", "reopen"):
        assert apis["ro"].post(f"{URL}/{ours.pk}/{action}").status_code == 403
        assert apis["sub"].post(f"{URL}/{theirs.pk}/{action}").status_code == 404
        assert apis["outsider"].post(f"{URL}/{ours.pk}/{action}").status_code == 404
    assert apis["sub"].post(f"{URL}/{theirs.pk}/assign", {"user": world.marketer.pk}).status_code == 404
    assert apis["sub"].post(f"{URL}/{ours.pk}/done").status_code == 200
    assert Conversation.objects.get(pk=theirs.pk).status == "open"


def test_a_reply_is_audited_once_per_idempotency_key(api, world, vt_connection):
    Price.objects.create(account=world.account, channel="sms", prefix="", unit=Price.Unit.SEGMENT, amount=Decimal("0.01"))
    top_up(world.account, Decimal("10"))
    conversation = mo(vt_connection, "hello?")
    headers = {"HTTP_IDEMPOTENCY_KEY": "r-1"}
    first = api.post(f"{URL}/{conversation.pk}/replies", {"text": "Hi there"}, **headers)
    api.post(f"{URL}/{conversation.pk}/replies", {"text": "Hi there"}, **headers)
    (event,) = audit_of(conversation, "conversation.replied")
    assert event.changes == {"message": first.json()["id"], "channel": "sms"}


@pytest.mark.parametrize("reader", ["web", "api"])
def test_unread_is_per_user(reader, api, world, vt_connection):
    """A marketer opening a thread clears it for them only: the admin still sees it unread."""
    conversation = mo(vt_connection, "one")
    mo(vt_connection, "two")
    marketer, admin = login(world.marketer), login(world.admin)
    marketer.get(f"/conversations/{conversation.pk}/")

    def unread_for(client) -> int:
        if reader == "web":
            pill = re.search(r'class="count-pill" aria-label="(\d+) unread"', client.get("/conversations/").content.decode())
            return int(pill.group(1)) if pill else 0
        return client.get(URL, headers={"accept": "application/json"}).json()["results"][0]["unread"]

    assert (unread_for(marketer), unread_for(admin)) == (0, 2)
    assert api.get(URL, {"unread": "true"}).json()["results"] == []  # a key: what nobody has read
    mo(vt_connection, "three")
    assert (unread_for(marketer), unread_for(admin)) == (1, 3)
    assert api.get(URL).json()["results"][0]["unread"] == 1
    admin.get(f"/conversations/{conversation.pk}/")
    assert (unread_for(marketer), unread_for(admin)) == (1, 0)
