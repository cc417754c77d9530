"""Webhook intake: wrong token, raw body stored first, unknown ids, duplicates, malformed
bodies, STOP replies, subscriptions, status reports applied to the right message."""

from __future__ import annotations

import json

from campaigns.models import ConsentRecord, Contact, InboundMessage, Message, Suppression
from campaigns.services.messaging import send_single
from providers.models import WebhookEvent
from tests.engine.conftest import post_hook


def sent_message(world, connection, to="+923001234517") -> Message:
    message = send_single(account=world.account, connection=connection, channel="sms", to=to, text="hi")
    message.refresh_from_db()
    assert message.status == "submitted"
    return message


def test_wrong_token_is_404_and_stores_nothing(fake_provider, client):
    conn, _ = fake_provider
    response = client.post("/webhooks/fake/not-the-token/", data="{}", content_type="application/json")
    assert response.status_code == 404
    response = client.post(f"/webhooks/vt/{conn.webhook_token}/", data="{}", content_type="application/json")
    assert response.status_code == 404  # right token, wrong provider
    assert WebhookEvent.objects.count() == 0


def test_report_applied_and_raw_body_kept(fake_provider, client, world):
    conn, _ = fake_provider
    message = sent_message(world, conn)
    body = {"statuses": [{"id": message.provider_message_id, "status": "delivered"}]}
    response = post_hook(client, conn, body)
    assert response.status_code == 200
    event = WebhookEvent.objects.get()
    assert event.outcome == "applied" and message.provider_message_id in event.body_text
    assert event.connection == conn and event.account == world.account
    message.refresh_from_db()
    assert message.status == "delivered" and message.delivered_at is not None


def test_report_found_by_our_own_id(fake_provider, client, world):
    conn, _ = fake_provider
    message = sent_message(world, conn)
    post_hook(client, conn, {"statuses": [{"ref": message.pk, "status": "sent"}]})
    message.refresh_from_db()
    assert message.status == "sent"


def test_unknown_message_is_200_held_then_given_up(fake_provider, client):
    from datetime import timedelta

    from django.utils import timezone

    from campaigns.services.held_reports import HOLD_FOR, expire_held

    conn, _ = fake_provider
    response = post_hook(client, conn, {"statuses": [{"id": "nope", "status": "delivered"}]})
    assert response.status_code == 200
    assert WebhookEvent.objects.get().outcome == "held"  # it may overtake its own submission
    assert expire_held(timezone.now() + HOLD_FOR + timedelta(minutes=1)) == 1
    assert WebhookEvent.objects.get().outcome == "unknown_message"


def test_other_accounts_message_is_unknown(fake_provider, client, world):
    conn, _ = fake_provider
    from tests.conftest import make_connection

    other_conn = make_connection(world.other_account, "fake", base_url="http://fake.test/fake", credentials={"key": "k2"}, name="o")
    from campaigns.services.ledger import top_up

    top_up(world.other_account, 10)
    theirs = sent_message(world.__class__(**{**world.__dict__, "account": world.other_account}), other_conn)
    post_hook(client, conn, {"statuses": [{"ref": theirs.pk, "status": "delivered"}]})
    theirs.refresh_from_db()
    assert theirs.status == "submitted"
    assert WebhookEvent.objects.get().outcome == "held"  # kept, but never matched to another account's message


def test_duplicate_report_is_200_and_changes_nothing(fake_provider, client, world):
    conn, _ = fake_provider
    message = sent_message(world, conn)
    body = {"statuses": [{"id": message.provider_message_id, "status": "delivered"}]}
    post_hook(client, conn, body)
    delivered_at = Message.objects.get(pk=message.pk).delivered_at
    response = post_hook(client, conn, body)
    assert response.status_code == 200
    assert WebhookEvent.objects.order_by("pk").last().outcome == "duplicate"
    assert Message.objects.get(pk=message.pk).delivered_at == delivered_at


def test_malformed_body_is_400_and_kept(fake_provider, client):
    conn, _ = fake_provider
    response = post_hook(client, conn, b"this is not json")
    assert response.status_code == 400
    event = WebhookEvent.objects.get()
    assert event.outcome == "malformed" and event.raw_body == b"this is not json"
    assert event.processed_at is not None and event.detail  # stored already settled, with why


def test_stop_reply_suppresses_the_number(fake_provider, client, world):
    conn, _ = fake_provider
    message = sent_message(world, conn, to="+923001234527")
    body = {"inbound": [{"from": "+923001234527", "text": " Stop. ", "id": "mo-1"}]}
    assert post_hook(client, conn, body).status_code == 200
    assert post_hook(client, conn, body).status_code == 200  # the provider retried
    inbound = InboundMessage.objects.get()
    assert inbound.is_opt_out and inbound.message == message
    suppression = Suppression.objects.get(account=world.account, phone="+923001234527")
    assert suppression.reason == "opt_out" and suppression.source == "inbound"
    assert WebhookEvent.objects.order_by("pk").last().outcome == "duplicate"


def test_ordinary_reply_is_not_an_opt_out(fake_provider, client, world):
    conn, _ = fake_provider
    post_hook(client, conn, {"inbound": [{"from": "+923001234537", "text": "Is the shop open?", "id": "mo-2"}]})
    assert not InboundMessage.objects.get().is_opt_out
    assert not Suppression.objects.exists()


def test_subscription_events(fake_provider, client, world):
    conn, _ = fake_provider
    post_hook(client, conn, {"events": [{"kind": "subscription", "phone": "+923001234547"}]})
    assert Contact.objects.filter(account=world.account, phone="+923001234547").exists()
    post_hook(client, conn, {"events": [{"kind": "unsubscription", "phone": "+923001234547"}]})
    assert Suppression.objects.filter(account=world.account, phone="+923001234547").exists()
    post_hook(client, conn, {"events": [{"kind": "subscription", "phone": "+923001234547"}]})
    assert not Suppression.objects.filter(account=world.account, phone="+923001234547").exists()
    # The carrier's opt-out and opt-in are in the contact's consent history.
    history = ConsentRecord.objects.filter(contact__phone="+923001234547").order_by("id").values_list("status", "source")
    assert list(history) == [("opted_out", "provider"), ("opted_in", "provider")]


def test_get_webhooks_are_accepted(fake_provider, client):
    conn, _ = fake_provider
    response = client.get(conn.webhook_path("dlr"), {"x": "1"})
    assert response.status_code == 400  # empty body: malformed for this provider, but kept
    event = WebhookEvent.objects.get()
    assert event.method == "GET" and event.kind == "dlr" and event.query == {"x": "1"}


def stored_reports(world, conn, count: int) -> list[Message]:
    """Reports stored but not applied (as when the cluster applies them later)."""
    from providers.base import WebhookRequest
    from providers.intake import store

    messages = [sent_message(world, conn, to=f"+92300123{i:02d}17") for i in range(count)]
    for m in messages:
        body = json.dumps({"statuses": [{"id": m.provider_message_id, "status": "delivered"}]}).encode()
        store(conn, "fake", "", WebhookRequest(method="POST", kind="", content_type="application/json", body=body, query={}))
    return messages


def test_applying_decrypts_each_connections_credentials_once(fake_provider, world, monkeypatch):
    from providers import intake, registry

    conn, _ = fake_provider
    messages = stored_reports(world, conn, 5)
    calls = []
    real = registry.backend_for
    monkeypatch.setattr(registry, "backend_for", lambda c: calls.append(c.pk) or real(c))

    assert intake.apply_received(linger=0) == 5
    assert calls == [conn.pk]
    assert {m.status for m in Message.objects.filter(pk__in=[m.pk for m in messages])} == {"delivered"}


def test_a_trickle_of_reports_is_gathered_before_the_next_batch(fake_provider, world, settings, monkeypatch):
    from providers import intake

    conn, _ = fake_provider
    stored_reports(world, conn, 3)
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": False}
    slept = []
    monkeypatch.setattr(intake.time, "sleep", slept.append)

    assert intake.apply_received(linger=0) == 3
    assert slept == [intake.GATHER_SECONDS]  # after the small batch; then nothing was left
    assert WebhookEvent.objects.filter(outcome="applied").count() == 3
