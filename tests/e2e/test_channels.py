"""Every channel end to end: composed through the composer's pages, launched, sent to the
providers' simulators, their webhooks delivered back, and the results on the campaign page."""

from __future__ import annotations

import json
from decimal import Decimal
from urllib.parse import parse_qs

import pytest

from campaigns.models import InboundMessage, Message, Template, UssdSession
from campaigns.services.template_sync import sync_templates
from providers.base import Capability
from providers.registry import backends
from tests.e2e.conftest import compose, page_and_stats, run, statuses

VT_DELIVERED, VT_UNDELIVERED = "+923001234512", "+923001234529"


def test_sms_campaign_through_vt(demo):
    vt = demo.connections["vt"]
    campaign = compose(
        demo,
        {"name": "SMS", "channel": "sms", "connection": vt.pk},
        sender=demo.senders["sms"],
        content={"text": "Hi {{ first_name }}, 20% off today"},
        numbers=[VT_DELIVERED, VT_UNDELIVERED],
        list_name="SMS",
    )
    assert (campaign.channel, campaign.flash, campaign.sender.value) == ("sms", False, "DEMO")

    campaign = run(demo, campaign)

    assert campaign.status == "completed"
    assert statuses(campaign) == {VT_DELIVERED: "delivered", VT_UNDELIVERED: "undelivered"}
    undelivered = Message.objects.get(campaign=campaign, to=VT_UNDELIVERED)
    assert undelivered.error_code == "not_delivered" and undelivered.error_raw
    assert {m.cost for m in Message.objects.filter(campaign=campaign)} == {Decimal("0.01")}  # per segment at submission
    html, stats = page_and_stats(demo, campaign)
    assert VT_UNDELIVERED in html and "undelivered" in html
    assert stats["funnel"][-1] == ["Delivered", 1] and stats["errors"] == [["Not delivered", 1]]


FLASH_PROVIDERS = sorted(slug for slug, backend in backends().items() if backend.supports(Capability.SMS_FLASH))


def flash_marker(slug: str, request) -> bool:
    """Whether the provider request asked for a flash SMS, in the provider's own words."""
    if slug == "wavy":
        body = json.loads(request.content)
        items = body.get("messages") or [body]
        return any(m.get("flashSMS") for m in [body.get("defaultValues") or {}, *items])
    if slug == "unified":
        return parse_qs(request.url.query.decode()).get("type") == ["1"]
    if slug == "vappstore":
        return json.loads(request.content).get("encoding") == "240"
    raise AssertionError(f"no flash marker known for {slug}")


def test_flash_is_offered_by_every_provider_documenting_it():
    assert set(FLASH_PROVIDERS) == {"wavy", "unified", "vappstore"}


@pytest.mark.parametrize("slug", FLASH_PROVIDERS)
def test_flash_sms_campaign(demo, slug):
    numbers = ["+5511987650012", "+5511987650029"] if slug == "wavy" else ["+6792870912", "+6792870929"]
    campaign = compose(
        demo,
        {"name": f"Flash {slug}", "channel": "sms", "connection": demo.connections[slug].pk, "flash": "on"},
        sender=demo.senders["sms"],
        content={"text": "Flash: your code is 4321"},
        numbers=numbers,
        list_name=f"Flash {slug}",
    )
    assert campaign.flash

    campaign = run(demo, campaign)

    sends = [r for r in demo.transport.to(slug) if r.method in ("GET", "POST")]
    assert sends and all(flash_marker(slug, r) for r in sends)
    assert Message.objects.filter(campaign=campaign, flash=True).count() == 2
    assert statuses(campaign) == {numbers[0]: "delivered", numbers[1]: "undelivered"}
    assert campaign.status == "completed"
    _, stats = page_and_stats(demo, campaign)
    assert stats["funnel"][-1] == ["Delivered", 1]


def test_flash_is_refused_when_no_routed_connection_offers_it(demo):
    from tests.e2e.conftest import route_through

    route_through(demo, "sms", demo.connections["vt"].pk)  # the admin routes all SMS through VT: no flash
    client_response = compose_refused(demo, {"name": "Flash VT", "channel": "sms", "flash": "on"})
    assert "Flash SMS is not available on your account" in client_response


def compose_refused(demo, data: dict) -> str:
    from tests.conftest import login

    response = login(demo.world.marketer).post("/campaigns/new/", data)
    assert response.status_code == 200
    return response.content.decode()


def test_voice_otp_campaign_bills_only_answered_calls(demo):
    answered, unanswered = "+923001234512", "+923001234528"
    campaign = compose(
        demo,
        {"name": "Voice OTP", "channel": "voice", "connection": demo.connections["vt"].pk, "voice_kind": "otp"},
        sender=None,
        content={"text": "Your code is 4 3 2 1"},
        numbers=[answered, unanswered],
        list_name="OTP",
    )
    assert campaign.content == {"kind": "otp"} and campaign.text

    campaign = run(demo, campaign)

    assert statuses(campaign) == {answered: "delivered", unanswered: "undelivered"}
    calls = {m.to: m for m in Message.objects.filter(campaign=campaign)}
    assert (calls[answered].call_outcome, calls[unanswered].call_outcome) == ("answered", "unanswered")
    assert calls[answered].cost == Decimal("0.02") and calls[unanswered].cost == 0
    assert calls[unanswered].error_code == "no_answer"
    campaign.refresh_from_db()
    assert campaign.spent == Decimal("0.02") and campaign.reserved_amount == 0
    demo.account.refresh_from_db()
    assert demo.account.balance == Decimal("100") - Decimal("0.02")
    html, stats = page_and_stats(demo, campaign)
    assert sorted(stats["voice_outcomes"]) == [["Answered", 1], ["Not answered", 1]]
    assert "Not answered" in html


def test_voice_call_campaign_with_dtmf_menu(demo):
    pressed_3, pressed_5, busy = "+923001234513", "+923001234515", "+923001234569"
    campaign = compose(
        demo,
        {"name": "Survey call", "channel": "voice", "connection": demo.connections["vt"].pk, "voice_kind": "call"},
        sender=demo.senders["voice"],
        content={
            "recording": demo.recording.pk,
            "template": demo.call_template.pk,
            "call_parameters": "{{ first_name }}\nMarch",
            "max_voice_repeat": 2,
            "max_call_attempts": 1,
        },
        numbers=[pressed_3, pressed_5, busy],
        list_name="Survey",
    )
    assert campaign.content["recording"] == "10001" and campaign.content["call_template"] == "3"

    campaign = run(demo, campaign)

    calls = {m.to: m for m in Message.objects.filter(campaign=campaign)}
    assert statuses(campaign) == {pressed_3: "delivered", pressed_5: "delivered", busy: "undelivered"}
    assert (calls[pressed_3].call_dtmf, calls[pressed_5].call_dtmf, calls[busy].call_dtmf) == ("3", "5", "")
    assert (calls[pressed_3].call_outcome, calls[busy].call_outcome) == ("answered", "busy")
    assert calls[pressed_3].provider_message_id.isdigit()  # VT's CALL_ID
    assert calls[pressed_3].cost == Decimal("0.02") and calls[busy].cost == 0
    sent = {c["receivernum"]: c for c in (json.loads(r.content) for r in demo.transport.to("vt") if "sendcall" in r.url.path)}
    assert len(sent) == 3 and (sent[busy]["recording"], sent[busy]["call_template"], sent[busy]["max_voice_repeat"]) == (10001, 3, 2)
    assert sent[pressed_3]["call_parameters"] == {"var1": "Ayesha", "var2": "March"}
    html, stats = page_and_stats(demo, campaign)
    assert sorted(stats["dtmf"]) == [["3", 1], ["5", 1]]
    assert sorted(stats["voice_outcomes"]) == [["Answered", 2], ["Line busy", 1]]
    assert "Keys pressed (DTMF)" in html and "Answered · keys 3" in html and "Line busy" in html


def test_whatsapp_template_campaign_with_synced_template(demo):
    vt = demo.connections["vt"]
    assert sync_templates(vt.pk)["ok"]
    template = Template.objects.get(connection=vt, kind="whatsapp", name="order_update")
    delivered, failed = "+923001234514", "+923001234527"
    campaign = compose(
        demo,
        {"name": "WhatsApp", "channel": "whatsapp", "connection": vt.pk, "whatsapp_type": "template"},
        sender=demo.senders["whatsapp"],
        content={"template": template.pk, "variables": "{{ first_name }}\nA-100"},
        numbers=[delivered, failed],
        list_name="WhatsApp",
    )
    assert campaign.content["template_id"] == template.provider_template_id == "42"

    campaign = run(demo, campaign)

    assert statuses(campaign) == {delivered: "delivered", failed: "rejected"}
    sent = [json.loads(r.content) for r in demo.transport.to("vt") if "send_message" in r.url.path]
    assert {s["type"] for s in sent} == {"template"} and {s["template_id"] for s in sent} == {42}
    assert all(s["templateVariables"] == ["Ayesha", "A-100"] for s in sent)
    assert campaign.status == "completed"
    _, stats = page_and_stats(demo, campaign)
    assert stats["funnel"][-1] == ["Delivered", 1]


USSD_STEPS = "Which offer?\n1. Data\n2. Minutes\n3. SMS\n---\nWhich size?\n1. Small\n2. Large\n---\nThank you, we will text you."


def test_ussd_menu_campaign_records_every_answer(demo):
    first, second, walks_away = "+6792870942", "+6792870943", "+6792870948"
    campaign = compose(
        demo,
        {"name": "USSD menu", "channel": "ussd", "connection": demo.connections["vappstore"].pk},
        sender=None,
        content={"ussd_steps": USSD_STEPS},
        numbers=[first, second, walks_away],
        list_name="USSD",
    )
    assert [s["text"][:5] for s in campaign.content["steps"]] == ["Which", "Which", "Thank"]

    campaign = run(demo, campaign, rounds=3)

    sessions = {s.phone: s for s in UssdSession.objects.filter(campaign=campaign)}
    assert [a["answer"] for a in sessions[first].answers] == ["3", "1"]
    assert [a["answer"] for a in sessions[second].answers] == ["1", "2"]
    assert sessions[walks_away].answers == [] and sessions[walks_away].state == "open"
    assert (sessions[first].state, sessions[second].state) == ("completed", "completed")
    assert sessions[first].answers[0]["question"].startswith("Which offer?")
    assert InboundMessage.objects.filter(kind="ussd", session_id=sessions[first].session_id).count() == 2
    finals = Message.objects.filter(channel="ussd", payload__op="fin", to__in=[first, second])
    assert finals.count() == 2 and {m.status for m in finals} == {"submitted"}
    html, stats = page_and_stats(demo, campaign)
    assert "USSD answers" in html
    assert sorted(stats["ussd_answers"]) == [
        ["Step 1: Data (1)", 1],
        ["Step 1: SMS (3)", 1],
        ["Step 2: Large (2)", 1],
        ["Step 2: Small (1)", 1],
    ]


def test_ussd_screens_settle_when_answered_or_when_the_session_dies(demo):
    from datetime import timedelta

    from django.utils import timezone

    from campaigns.services.ussd import expire_idle_sessions

    answers, walks_away = "+6792870942", "+6792870948"
    campaign = compose(
        demo,
        {"name": "USSD settle", "channel": "ussd", "connection": demo.connections["vappstore"].pk},
        sender=None,
        content={"ussd_steps": USSD_STEPS},
        numbers=[answers, walks_away],
        list_name="USSD settle",
    )
    campaign = run(demo, campaign, rounds=3)
    screens = {m.to: m for m in Message.objects.filter(campaign=campaign)}
    assert screens[answers].status == "delivered"  # the subscriber answered the first screen
    assert screens[walks_away].status == "submitted"
    cont = Message.objects.get(channel="ussd", to=answers, payload__op="cont")
    assert cont.status == "delivered"

    assert expire_idle_sessions(timezone.now() + timedelta(minutes=4)) == 1
    screens[walks_away].refresh_from_db()
    assert (screens[walks_away].status, screens[walks_away].error_code) == ("expired", "expired")
    assert UssdSession.objects.get(campaign=campaign, phone=walks_away).state == "abandoned"
    _, stats = page_and_stats(demo, campaign)
    assert dict(stats["funnel"])["Delivered"] == 1
