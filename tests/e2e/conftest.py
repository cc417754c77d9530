"""End-to-end fixtures: a funded account with one connection per provider (all behind the
in-process simulators), prices for every channel, approved senders, a voice recording,
WhatsApp and call templates, and helpers that compose a campaign through the composer's
own pages, launch it and deliver the simulators' webhooks."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import httpx
import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.test import Client

from campaigns.management.commands.seed_demo import tiny_wav
from campaigns.models import Campaign, Message, Price, Route, RouteConnection, SenderID, Template, VoiceRecording
from campaigns.services.campaigns import launch
from campaigns.services.ledger import top_up
from providers.http import install_transport
from providers.models import ProviderConnection
from providers.simulator.testing import SimulatorTransport
from tests.conftest import login, make_connection
from tests.engine.conftest import add_contacts

CREDENTIALS = {
    "vt": {"apikey": "e2e-vt-key"},
    "vappstore": {"applicationId": "APP_E2E", "password": "e2e-pass"},
    "wavy": {"username": "e2e-wavy", "authenticationtoken": "e2e-token"},
    "vavasms": {"username": "e2e@vavasms.test", "password": "e2e-pass"},
    "unified": {"username": "e2e-unified", "password": "e2e-pass"},
}
PRICES = {
    "sms": (Price.Unit.SEGMENT, Decimal("0.01")),
    "voice": (Price.Unit.PULSE30, Decimal("0.02")),
    "whatsapp": (Price.Unit.MESSAGE, Decimal("0.005")),
    "ussd": (Price.Unit.MESSAGE, Decimal("0.001")),
}
OPENING_BALANCE = Decimal("100")


class RecordingTransport(SimulatorTransport):
    """The simulators' transport, keeping every request a backend made."""

    def __init__(self, simulators) -> None:
        self.seen: list[httpx.Request] = []
        super().__init__(simulators)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        return super()._handle(request)

    def to(self, slug: str) -> list[httpx.Request]:
        return [r for r in self.seen if r.url.path.startswith(f"/{slug}/")]


@dataclass
class Demo:
    world: object
    connections: dict[str, ProviderConnection]
    senders: dict[str, SenderID]
    recording: VoiceRecording
    call_template: Template
    transport: RecordingTransport
    simulators: dict
    client: Client = field(default_factory=Client)

    @property
    def account(self):
        return self.world.account


@pytest.fixture
def demo(world, simulators, settings, tmp_path) -> Demo:
    settings.MEDIA_ROOT = tmp_path
    settings.ENGINE_POLL_AFTER_SECONDS = 0  # poll providers without delivery reports at once
    cache.clear()  # campaign stats are cached by (pk, counts); a rolled-back test may reuse both
    account = world.account
    connections = {
        slug: make_connection(account, slug, base_url=f"http://sim.test/{slug}", credentials=creds, mps=0, name=f"{slug} e2e")
        for slug, creds in CREDENTIALS.items()
    }
    for channel, (unit, amount) in PRICES.items():
        Price.objects.create(account=account, channel=channel, prefix="", unit=unit, amount=amount)
    top_up(account, OPENING_BALANCE, description="e2e money")
    senders = {
        channel: SenderID.objects.create(account=account, channel=channel, value=value, status=SenderID.Status.APPROVED)
        for channel, value in (("sms", "DEMO"), ("voice", "Default"), ("whatsapp", "923001112233"))
    }
    recording = VoiceRecording(
        account=account, name="Greeting", status=VoiceRecording.Status.APPROVED, provider_reference="10001", connection=connections["vt"]
    )
    recording.file.save("greeting.wav", ContentFile(tiny_wav()), save=False)
    recording.save()
    call_template = Template.objects.create(
        account=account, kind=Template.Kind.VOICE, name="Menu call", connection=connections["vt"], provider_template_id="3"
    )
    transport = RecordingTransport(simulators)
    install_transport(transport)
    return Demo(world, connections, senders, recording, call_template, transport, simulators)


def compose(
    demo: Demo, channel_step: dict, *, sender: SenderID | None, content: dict, numbers: list[str], list_name: str, pin: bool = False
) -> Campaign:
    """Create a draft through the composer's pages as a marketer (channel, sender, content,
    audience, schedule), so the campaign is stored exactly as the browser stores it."""
    channel_step = dict(channel_step)
    pinned = channel_step.pop("connection", None)
    if pinned is not None:  # marketers no longer choose: the admin's route does
        route_through(demo, channel_step["channel"], pinned)
    client = login(demo.world.marketer)
    contacts = add_contacts(demo.account, numbers, list_name=list_name, first_name="Ayesha")
    contacts.subaccount = demo.world.subaccount
    contacts.save()
    response = client.post("/campaigns/new/", channel_step)
    assert response.status_code == 302, _form_errors(response)
    campaign = Campaign.objects.latest("pk")
    steps = [
        ("sender", {"sender": sender.pk if sender else ""}),
        ("content", content),
        ("audience", {"lists": [contacts.pk]}),
        ("schedule", {"when": "now", "timezone": "UTC"}),
    ]
    for step, data in steps:
        response = client.post(f"/campaigns/{campaign.pk}/edit/{step}/", data)
        assert response.status_code == 302, (step, _form_errors(response))
    if pin:
        # Provider-side scheduling and carrier lookup before sending still read the campaign's
        # own connection: named here as an integrator names it through the API.
        Campaign.objects.filter(pk=campaign.pk).update(connection_id=pinned)
    campaign.refresh_from_db()
    return campaign


def route_through(demo: Demo, channel: str, connection_id: int) -> Route:
    """As an admin would: send every ``channel`` message of the account through one connection."""
    route, _ = Route.objects.update_or_create(
        account=demo.account, name=f"All {channel}", defaults={"channel": channel, "match_kind": Route.Match.DEFAULT, "match_value": ""}
    )
    route.members.all().delete()
    RouteConnection.objects.create(route=route, connection_id=connection_id, position=0)
    return route


def _form_errors(response) -> object:
    context = getattr(response, "context", None)
    form = context.get("form") if context else None
    return form.errors if form is not None else response.status_code


def run(demo: Demo, campaign: Campaign, rounds: int = 1) -> Campaign:
    """Launch (tasks run inline), then deliver the simulators' webhooks ``rounds`` times
    (a USSD menu needs one round per answered step)."""
    launch(campaign, demo.world.marketer)
    for _ in range(rounds):
        codes = demo.simulators.deliver(demo.client)
        assert set(codes) <= {200}, codes
    campaign.refresh_from_db()
    return campaign


def statuses(campaign: Campaign) -> dict[str, str]:
    return dict(Message.objects.filter(campaign=campaign).values_list("to", "status"))


def page_and_stats(demo: Demo, campaign: Campaign) -> tuple[str, dict]:
    client = login(demo.world.marketer)
    page = client.get(f"/campaigns/{campaign.pk}/")
    assert page.status_code == 200
    stats = client.get(f"/campaigns/{campaign.pk}/stats.json")
    assert stats.status_code == 200
    return page.content.decode(), stats.json()
