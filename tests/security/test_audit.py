"""The audit trail: each audited action leaves exactly one record with the right actor (user
through the web, API key through the API, a command), secrets masked; admins read it on the web
and through the API; nobody changes or deletes a record."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from campaigns.models import ApiKey, AuditEvent, Campaign, Contact, ContactList, Price, Role, SenderID
from campaigns.models.audit import AppendOnlyError
from campaigns.services import audit
from campaigns.services.ledger import top_up
from tests.api.conftest import Api
from tests.conftest import PASSWORD, login, make_connection

WEB_IP = "203.0.113.7"
API_IP = "198.51.100.9"


@pytest.fixture
def ctx(world, vt_connection):
    key, raw = ApiKey.generate(account=world.account, name="server", created_by=world.admin)
    web = login(world.admin)
    web.defaults["REMOTE_ADDR"] = WEB_IP
    api = Api(raw)
    api.client.defaults["REMOTE_ADDR"] = API_IP
    top_up(world.account, Decimal("100"))
    Price.objects.create(account=world.account, channel="sms", amount=Decimal("0.01"))
    sender = SenderID.objects.create(account=world.account, channel="sms", value="ACME", status="approved", connection=vt_connection)
    audience = ContactList.objects.create(account=world.account, name="Customers")
    audience.contacts.add(Contact.objects.create(account=world.account, phone="+923001234560"))
    AuditEvent.objects.all()._raw_delete(AuditEvent.objects.db)  # start each case from an empty trail
    return {"world": world, "key": key, "web": web, "api": api, "sender": sender, "list": audience, "conn": vt_connection}


def _campaign(ctx, **fields) -> Campaign:
    w = ctx["world"]
    return Campaign.objects.create(
        account=w.account, name="Sale", channel="sms", connection=ctx["conn"], sender=ctx["sender"],
        text="Hi", audience={"lists": [ctx["list"].pk]}, created_by=w.admin, **fields,
    )  # fmt: skip


def web_login(ctx):
    Client().post("/login/", {"username": "marketer@acme.test", "password": PASSWORD}, REMOTE_ADDR=WEB_IP)
    return "login", "marketer@acme.test", WEB_IP


def web_failed_login(ctx):
    Client().post("/login/", {"username": "marketer@acme.test", "password": "nope"}, REMOTE_ADDR=WEB_IP)
    return "login.failed", "anonymous (as marketer@acme.test)", WEB_IP


def web_api_key_created(ctx):
    assert ctx["web"].post("/admin/api-keys/new/", {"name": "shop"}).status_code == 200
    return "api_key.created", "admin@acme.test", WEB_IP


def web_api_key_revoked(ctx):
    ctx["web"].post(f"/admin/api-keys/{ctx['key'].pk}/revoke/")
    return "api_key.revoked", "admin@acme.test", WEB_IP


def web_role_changed(ctx):
    w = ctx["world"]
    response = ctx["web"].post(f"/admin/users/{w.viewer.membership.pk}/", {"role": Role.MARKETER, "subaccount": w.subaccount.pk})
    assert response.status_code == 302, response.content
    return "member.changed", "admin@acme.test", WEB_IP


def web_sender_approved(ctx):
    sender = SenderID.objects.create(account=ctx["world"].account, channel="sms", value="NEWCO")
    AuditEvent.objects.filter(action="sender_id.created")._raw_delete(AuditEvent.objects.db)
    ctx["web"].post(f"/admin/senders/{sender.pk}/decide/", {"action": "approve", "note": "ok"})
    return "sender_id.approved", "admin@acme.test", WEB_IP


def web_contact_deleted(ctx):
    contact = Contact.objects.get(phone="+923001234560")
    assert ctx["web"].post(f"/contacts/{contact.pk}/delete/").status_code == 302
    return "contact.deleted", "admin@acme.test", WEB_IP


def web_campaign_exported(ctx):
    campaign = _campaign(ctx)
    b"".join(ctx["web"].get(f"/campaigns/{campaign.pk}/messages.csv").streaming_content)
    return "campaign.exported", "admin@acme.test", WEB_IP


def api_campaign_launched(ctx):
    campaign = _campaign(ctx, send_at=timezone.now() + timedelta(days=1))
    response = ctx["api"].post(f"/api/v1/campaigns/{campaign.pk}/launch")
    assert response.status_code == 200, response.content
    return "campaign.launched", "API key server", API_IP


def api_campaign_paused(ctx):
    campaign = _campaign(ctx, send_at=timezone.now() + timedelta(days=1))
    ctx["api"].post(f"/api/v1/campaigns/{campaign.pk}/launch")
    assert ctx["api"].post(f"/api/v1/campaigns/{campaign.pk}/pause", {"reason": "typo"}).status_code == 200
    return "campaign.paused", "API key server", API_IP


def api_campaign_cancelled(ctx):
    campaign = _campaign(ctx)
    assert ctx["api"].post(f"/api/v1/campaigns/{campaign.pk}/cancel").status_code == 200
    return "campaign.cancelled", "API key server", API_IP


def api_contact_deleted(ctx):
    contact = Contact.objects.get(phone="+923001234560")
    assert ctx["api"].delete(f"/api/v1/contacts/{contact.pk}").status_code == 204
    return "contact.deleted", "API key server", API_IP


def service_top_up(ctx):
    with audit.acting_as(audit.user_actor(ctx["world"].admin, "192.0.2.1")):
        top_up(ctx["world"].account, Decimal("25"))
    return "ledger.top_up", "admin@acme.test", "192.0.2.1"


def service_price_changed(ctx):
    price = Price.objects.get(account=ctx["world"].account)
    with audit.acting_as(audit.user_actor(ctx["world"].admin, "192.0.2.1")):
        price.amount = Decimal("0.02")
        price.save()
    return "price.changed", "admin@acme.test", "192.0.2.1"


def service_credentials_changed(ctx):
    conn = ctx["conn"]
    with audit.acting_as(audit.user_actor(ctx["world"].admin, "192.0.2.1")):
        conn.set_credentials({"apikey": "brand-new-secret-value"})
        conn.save()
    return "connection.changed", "admin@acme.test", "192.0.2.1"


def command_create_account(ctx):
    call_command("create_account", "Initech", "--admin", "boss@initech.test", "--password", "stapler-in-jello-42")
    return "user.created", "manage.py create_account", None


def command_add_connection(ctx):
    call_command(
        "add_connection",
        "--account",
        "acme",
        "--provider",
        "vt",
        "--base-url",
        "http://127.0.0.1:8025/vt",
        "--credential",
        "apikey=CMD-SECRET-1",
    )
    return "connection.created", "manage.py add_connection", None


CASES = [
    web_login, web_failed_login, web_api_key_created, web_api_key_revoked, web_role_changed, web_sender_approved,
    web_contact_deleted, web_campaign_exported, api_campaign_launched, api_campaign_paused, api_campaign_cancelled,
    api_contact_deleted, service_top_up, service_price_changed, service_credentials_changed, command_create_account,
    command_add_connection,
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[c.__name__ for c in CASES])
def test_each_audited_action_leaves_one_record_with_its_actor(ctx, case):
    action, actor, ip = case(ctx)
    events = list(AuditEvent.objects.filter(action=action))
    assert len(events) == 1, [(e.action, e.actor_label) for e in AuditEvent.objects.all()]
    event = events[0]
    assert event.actor_label.startswith(actor) and event.ip == ip
    if actor == "API key server":
        assert event.api_key_id == ctx["key"].pk and event.actor_kind == "api_key"
    elif "@" in actor and not actor.startswith("anonymous"):
        assert event.user.email == actor and event.actor_kind == "user"
    if not action.startswith("user.") and not action.startswith("connection.created"):
        assert event.account_id == ctx["world"].account.pk


def test_credentials_are_masked(ctx):
    service_credentials_changed(ctx)
    command_add_connection(ctx)
    stored = str(list(AuditEvent.objects.values_list("changes", flat=True)))
    assert "brand-new-secret-value" not in stored and "CMD-SECRET-1" not in stored and "test-key" not in stored
    change = AuditEvent.objects.get(action="connection.changed").changes
    assert change == {"credential:apikey": [audit.MASK, audit.MASK]}


def test_records_cannot_be_changed_or_deleted(ctx):
    web_login(ctx)
    event = AuditEvent.objects.get()
    event.action = "nothing"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.update(action="x")
    model_admin = admin.site._registry[AuditEvent]
    assert not model_admin.has_change_permission(None) and not model_admin.has_delete_permission(None)
    assert not model_admin.has_add_permission(None)


def test_admins_see_and_filter_the_log_on_the_web(ctx, world):
    web_login(ctx)
    api_campaign_cancelled(ctx)
    page = ctx["web"].get("/admin/audit/")
    html = page.content.decode()
    assert page.status_code == 200 and "campaign.cancelled" in html and "marketer@acme.test" in html
    filtered = ctx["web"].get("/admin/audit/", {"area": "campaign."}).content.decode()
    assert "campaign.cancelled" in filtered and ">login<" not in filtered
    assert login(world.marketer).get("/admin/audit/").status_code == 403
    assert login(world.outsider).get("/admin/audit/").content.decode().count("campaign.cancelled") == 0


def test_the_api_lists_audit_events_for_account_wide_keys(ctx, world):
    web_login(ctx)
    api_campaign_cancelled(ctx)
    data = ctx["api"].get("/api/v1/audit-events", {"action": "campaign."}).json()
    assert [e["action"] for e in data["results"]] == ["campaign.cancelled"]
    assert data["results"][0]["actor"].startswith("API key server") and data["results"][0]["ip"] == API_IP
    _, sub_raw = ApiKey.generate(account=world.account, subaccount=world.subaccount, name="marketing")
    assert Api(sub_raw).get("/api/v1/audit-events").status_code == 403
    _, other_raw = ApiKey.generate(account=world.other_account, name="globex")
    assert Api(other_raw).get("/api/v1/audit-events", {"action": "campaign."}).json()["results"] == []
    assert ctx["api"].delete(f"/api/v1/audit-events/{data['results'][0]['id']}").status_code == 405


def test_make_connection_helper_is_audited_as_system(world):
    make_connection(world.account, "vt", name="system-made")
    event = AuditEvent.objects.filter(action="connection.created").latest("id")
    assert event.actor_kind == "system"
