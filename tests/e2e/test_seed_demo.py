"""seed_demo: idempotent, fast, and what it seeds is enough to run every channel from the
composer against the simulators (connections, senders, prices, recording, call flow,
synced WhatsApp templates, the "Channel testers" list)."""

from __future__ import annotations

import io
import time
import wave
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.core.management import call_command

from campaigns.models import (
    Account,
    Campaign,
    Contact,
    ContactList,
    LedgerEntry,
    Membership,
    Message,
    Price,
    SenderID,
    Template,
    UssdSession,
    VoiceRecording,
)
from providers.models import ProviderConnection
from providers.registry import backends
from tests.e2e.conftest import Demo, RecordingTransport, compose, page_and_stats, run

pytestmark = pytest.mark.django_db


def seed() -> Account:
    call_command("seed_demo", "--simulator-url", "http://sim.test", "--contacts", "40", stdout=io.StringIO())
    return Account.objects.get(slug="demo")


def snapshot(account: Account) -> list[int]:
    models = (ProviderConnection, Template, VoiceRecording, Contact, ContactList, SenderID, Price, Campaign, LedgerEntry, Message)
    return [m.objects.filter(account=account).count() for m in models]


def test_seed_is_idempotent_fast_and_complete(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    started = time.monotonic()
    account = seed()
    assert time.monotonic() - started < 10
    first = snapshot(account)
    seed()
    assert snapshot(account) == first

    assert sorted(ProviderConnection.objects.filter(account=account).values_list("provider", flat=True)) == sorted(backends())
    recording = VoiceRecording.objects.get(account=account)
    assert (recording.status, recording.provider_reference) == ("approved", "10001")
    with wave.open(recording.file.open("rb")) as audio:
        assert audio.getnframes() / audio.getframerate() == pytest.approx(2.0)
    assert set(Template.objects.filter(account=account, kind="voice").values_list("provider_template_id", flat=True)) == {"2", "3"}
    assert set(Template.objects.filter(account=account, kind="whatsapp").values_list("provider_template_id", flat=True)) == {"42", "43"}
    assert set(Price.objects.filter(account=account).values_list("channel", flat=True)) == {"sms", "voice", "whatsapp", "ussd"}
    assert set(SenderID.objects.filter(account=account, status="approved").values_list("channel", flat=True)) >= {
        "sms",
        "voice",
        "whatsapp",
    }


@pytest.fixture
def seeded(simulators, settings, tmp_path) -> Demo:
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    account = seed()
    marketer = Membership.objects.get(account=account, role="marketer")
    world = SimpleNamespace(account=account, marketer=marketer.user, subaccount=marketer.subaccount)
    transport = RecordingTransport(simulators)
    from providers.http import install_transport

    install_transport(transport)
    return Demo(
        world=world,
        connections={c.provider: c for c in ProviderConnection.objects.filter(account=account)},
        senders={s.channel: s for s in SenderID.objects.filter(account=account, status="approved").order_by("-value")},
        recording=VoiceRecording.objects.get(account=account),
        call_template=Template.objects.get(account=account, kind="voice", provider_template_id="3"),
        transport=transport,
        simulators=simulators,
    )


def channel_tester_numbers(demo: Demo) -> list[str]:
    return list(ContactList.objects.get(account=demo.account, name="Channel testers").contacts.values_list("phone", flat=True))


def launch_seeded(demo: Demo, channel_step: dict, sender, content: dict, rounds: int = 1) -> Campaign:
    campaign = compose(
        demo, channel_step, sender=sender, content=content, numbers=channel_tester_numbers(demo), list_name="Channel testers"
    )
    return run(demo, campaign, rounds=rounds)


def test_demo_runs_a_voice_call_with_dtmf(seeded):
    vt = seeded.connections["vt"]
    campaign = launch_seeded(
        seeded,
        {"name": "Demo call", "channel": "voice", "connection": vt.pk, "voice_kind": "call"},
        seeded.senders["voice"],
        {"recording": seeded.recording.pk, "template": seeded.call_template.pk, "call_parameters": "{{ first_name }}"},
    )
    _, stats = page_and_stats(seeded, campaign)
    assert sorted(stats["dtmf"]) == [["2", 1], ["3", 1], ["5", 1]]
    assert dict(stats["voice_outcomes"])["Busy"] == 1


def test_demo_runs_a_whatsapp_template(seeded):
    template = Template.objects.get(account=seeded.account, provider_template_id="42")
    campaign = launch_seeded(
        seeded,
        {"name": "Demo WhatsApp", "channel": "whatsapp", "connection": seeded.connections["vt"].pk, "whatsapp_type": "template"},
        seeded.senders["whatsapp"],
        {"template": template.pk, "variables": "{{ first_name }}\nA-100"},
    )
    assert Message.objects.filter(campaign=campaign, status="delivered").count() == 3


def test_demo_runs_a_ussd_menu(seeded):
    campaign = launch_seeded(
        seeded,
        {"name": "Demo USSD", "channel": "ussd", "connection": seeded.connections["vappstore"].pk},
        None,
        {"ussd_steps": "Pick one\n1. Data\n2. Minutes\n---\nThanks!"},
        rounds=2,
    )
    answered = UssdSession.objects.filter(campaign=campaign, state="completed").count()
    assert answered == 5  # every tester but the one who never answers
    _, stats = page_and_stats(seeded, campaign)
    assert sum(n for _, n in stats["ussd_answers"]) == 5


@pytest.mark.parametrize("slug", ["wavy", "unified", "vappstore"])
def test_demo_runs_a_flash_sms(seeded, slug):
    campaign = launch_seeded(
        seeded,
        {"name": f"Demo flash {slug}", "channel": "sms", "connection": seeded.connections[slug].pk, "flash": "on"},
        seeded.senders["sms"],
        {"text": "Flash offer for {{ first_name }}"},
    )
    assert Message.objects.filter(campaign=campaign, flash=True, status="delivered").count() == 3
