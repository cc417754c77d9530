"""python manage.py seed_demo: create or refresh the demo account `make run` shows.

Everything a marketer needs to run each channel from the browser against the simulators:
one connection per provider, approved senders per channel, prices per channel, an approved
voice recording and a call flow with a key-press menu, WhatsApp templates synced from the
VT simulator, and a small "Channel testers" list whose numbers show every outcome.

Idempotent: a second run refreshes logins, connections and prices and adds nothing twice."""

from __future__ import annotations

import json
import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from campaigns.encoding import analyze
from campaigns.models import (
    Account,
    Campaign,
    Contact,
    ContactList,
    InboundMessage,
    LedgerEntry,
    ListMembership,
    Membership,
    Message,
    Price,
    Role,
    SenderID,
    StatusCount,
    Subaccount,
    Suppression,
    Template,
    VoiceRecording,
)
from campaigns.rendering import register_fields
from campaigns.services.audit import audited_command
from providers.base import MessageStatus
from providers.models import ProviderConnection
from providers.registry import backends
from providers.simulator.registry import simulator_classes

PASSWORD = "demo-pass-2026"
ADMIN_EMAIL = "admin@demo.test"
MARKETER_EMAIL = "marketer@demo.test"
VIEWER_EMAIL = "viewer@demo.test"
STAFF_EMAIL = "ops@demo.test"  # platform staff: the /platform/ area (credit, prices), no account of its own
# Subscriber replies (MO) the V-Appstore simulator posts on a fresh demo, so the inbox is not empty.
DEMO_REPLIES = [
    ("+923001234512", "YES, count me in for the spring sale!"),
    ("+923001234513", "What time does the Lahore store open on Sunday?"),
    ("+923001234515", "Can I use the code online too?"),
]
DEMO_SLUG = "demo"
PRICES = [("sms", "segment", "0.0100"), ("voice", "pulse30", "0.0200"), ("whatsapp", "message", "0.0050"), ("ussd", "message", "0.0010")]
FIRST_NAMES = [
    "Ayesha",
    "Bilal",
    "Carmen",
    "Dmitri",
    "Emeka",
    "Fatima",
    "Goran",
    "Hana",
    "Imran",
    "Julia",
    "Kofi",
    "Lina",
    "Mateo",
    "Nadia",
    "Omar",
    "Priya",
]
LAST_NAMES = ["Khan", "Silva", "Okafor", "Ivanova", "Haddad", "Tanaka", "Mensah", "Costa", "Rahman", "Novak"]
CITIES = ["Lahore", "Karachi", "Islamabad", "Faisalabad"]
RECORDING_NAME = "Demo greeting (menu: press a key)"
RECORDING_REFERENCE = "10001"  # the reference VT gives an approved recording
CALL_TEMPLATES = [("2", "Basic call (plays the recording)"), ("3", "Call with a key-press menu (DTMF)")]
# Second-last digit 1 delivers (and, on a menu call, presses the last digit); the others show
# the simulators' other outcomes: 9 undelivered / busy, 8 expired / unanswered, 7 rejected.
TESTERS = [
    ("+923001234512", "Ayesha", "delivered · presses 2"),
    ("+923001234513", "Bilal", "delivered · presses 3"),
    ("+923001234515", "Carmen", "delivered · presses 5"),
    ("+923001234529", "Dmitri", "undelivered · busy"),
    ("+923001234528", "Emeka", "expired · unanswered · never answers USSD"),
    ("+923001234527", "Fatima", "rejected"),
]


class Command(BaseCommand):
    help = "Create or refresh the demo account: logins, simulator connections, contacts, a finished campaign."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--simulator-url", default="http://127.0.0.1:8025")
        parser.add_argument("--contacts", type=int, default=300)
        parser.add_argument(
            "--reset-passwords", action="store_true", help=f"Set the demo logins' password back to {PASSWORD} (kept by default)."
        )

    @audited_command
    def handle(self, *args, **options) -> None:
        sim = options["simulator_url"].rstrip("/")
        reset = options["reset_passwords"]
        with transaction.atomic():
            account = self.account()
            sub = Subaccount.objects.get_or_create(account=account, name="Marketing")[0]
            logins = [
                ("admin", self.user(ADMIN_EMAIL, account, Role.ADMIN, None, reset)),
                ("marketer", self.user(MARKETER_EMAIL, account, Role.MARKETER, sub, reset)),
                ("viewer", self.user(VIEWER_EMAIL, account, Role.VIEWER, sub, reset)),
                ("platform", self.staff(STAFF_EMAIL, reset)),
            ]
            connections = self.connections(account, sim)
            self.senders(account, connections)
            self.prices(account)
            self.voice_content(account, connections["vt"])
            if not LedgerEntry.objects.filter(account=account).exists():
                self.ledger(account, Decimal("500"), LedgerEntry.Kind.TOPUP, "Opening demo credit")
            lists = self.contacts(account, sub, options["contacts"])
            self.testers(account, sub)
            if not account.campaigns.filter(name="Welcome offer").exists():
                self.finished_campaign(account, sub, connections["vt"], lists[0])
        self.whatsapp_templates(connections["vt"])
        self.replies(connections["vappstore"])
        self.stdout.write(self.style.SUCCESS("Demo account ready."))
        for role, (email, password_set) in logins:
            note = PASSWORD if password_set else "(your own password: kept; --reset-passwords sets it back)"
            self.stdout.write(f"  {role + ':':<10}{email} / {note}")
        for conn in connections.values():
            self.stdout.write(f"  {conn.name}: {conn.base_url}  webhooks -> {conn.webhook_url()}")

    def account(self) -> Account:
        account, _ = Account.objects.get_or_create(
            slug=DEMO_SLUG, defaults={"name": "Demo Telecom", "timezone": "Asia/Karachi", "currency": "USD"}
        )
        return account

    def user(self, email: str, account: Account, role: str, sub: Subaccount | None, reset: bool) -> tuple[str, bool]:
        """The login with its role; the password is set when the user is created (or with
        --reset-passwords), so a password changed in the portal survives the next make run."""
        user, password_set = self._login(email, reset)
        Membership.objects.update_or_create(user=user, defaults={"account": account, "role": role, "subaccount": sub})
        return email, password_set

    def staff(self, email: str, reset: bool) -> tuple[str, bool]:
        user, password_set = self._login(email, reset)
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        return email, password_set

    def _login(self, email: str, reset: bool):
        User = get_user_model()
        user = User.objects.filter(username=email).first()
        created = user is None
        if created:
            user = User(username=email, email=email)
        if created or reset:
            user.set_password(PASSWORD)
        user.is_active = True
        user.save()
        return user, created or reset

    def replies(self, vappstore: ProviderConnection) -> int:
        """A few subscriber replies, made by the V-Appstore simulator's own "a user texts the
        app" helper and taken in through the real webhook intake (stored, parsed, applied),
        once, so a newcomer's inbox shows what replies look like."""
        from providers.base import WebhookRequest
        from providers.intake import apply_events, store
        from providers.simulator.base import SimRequest
        from providers.simulator.registry import simulator_classes

        if InboundMessage.objects.filter(account=vappstore.account).exists():
            return 0
        simulator = simulator_classes()["vappstore"](lambda slug, value, kind="": "intake", delay=0)
        app = vappstore.get_credentials().get("applicationId", "")
        for number, text in DEMO_REPLIES:
            body = json.dumps({"applicationId": app, "from": number, "message": text}).encode()
            simulator.handle(SimRequest("POST", "/_user/sms", headers={"content-type": "application/json"}, body=body))
        hooks = [WebhookRequest("POST", "", hook.content_type, hook.body) for hook in simulator.drain()]
        return apply_events([store(vappstore, "vappstore", "", hook) for hook in hooks])

    def connections(self, account: Account, sim: str) -> dict[str, ProviderConnection]:
        found = {}
        for slug, backend in backends().items():
            conn = ProviderConnection.objects.filter(account=account, provider=slug).first() or ProviderConnection(
                account=account, provider=slug
            )
            conn.name = f"{backend.name} (simulator)"[:100]
            conn.base_url = f"{sim}/{slug}"
            conn.mps = 200
            conn.is_active = True
            conn.set_credentials({f.name: f"demo-{slug}-{f.name}".lower() for f in backend.credential_fields})
            settings = dict(conn.settings or {})
            for field in backend.setting_fields:
                if field.name.endswith("base_url"):
                    settings[field.name] = f"{sim}/{slug}"
                elif field.default is not None:
                    settings.setdefault(field.name, field.default)
            conn.settings = settings
            conn.save()
            found[slug] = conn
        return found

    def senders(self, account: Account, connections: dict[str, ProviderConnection]) -> None:
        wanted = [("sms", "DEMO"), ("sms", "8333"), ("voice", "Default"), ("whatsapp", "923001112233"), ("ussd", "*123#")]
        for channel, value in wanted:
            SenderID.objects.update_or_create(
                account=account, channel=channel, value=value, defaults={"status": SenderID.Status.APPROVED, "decided_at": timezone.now()}
            )

    def prices(self, account: Account) -> None:
        for channel, unit, amount in PRICES:
            Price.objects.update_or_create(account=account, channel=channel, prefix="", defaults={"unit": unit, "amount": Decimal(amount)})

    def voice_content(self, account: Account, vt: ProviderConnection) -> None:
        """An approved recording (a generated WAV) and VT call flows, so voice calls run."""
        recording = VoiceRecording.objects.filter(account=account, name=RECORDING_NAME).first()
        if recording is None:
            recording = VoiceRecording(account=account, name=RECORDING_NAME, content_type="audio/wav", duration_seconds=Decimal("2.00"))
            recording.file.save("demo-greeting.wav", ContentFile(tiny_wav()), save=False)
        recording.status = VoiceRecording.Status.APPROVED
        recording.provider_reference = RECORDING_REFERENCE
        recording.connection = vt
        recording.save()
        for flow_id, name in CALL_TEMPLATES:
            Template.objects.update_or_create(
                connection=vt,
                provider_template_id=flow_id,
                defaults={"account": account, "kind": Template.Kind.VOICE, "name": name, "body": "var1: the contact's first name"},
            )

    def whatsapp_templates(self, vt: ProviderConnection) -> None:
        """The WhatsApp templates the VT simulator lists, through the real sync (VT's /wa/sync
        answered in-process: the simulator server is not up yet when `make run` seeds)."""
        from campaigns.services.template_sync import sync_templates
        from providers import http
        from providers.simulator.testing import SimulatorTransport
        from providers.vt.simulator import Simulator

        previous = http.installed_transport()  # tests may have installed the simulators already
        http.install_transport(SimulatorTransport({"vt": Simulator(seed=1, delay=0)}))
        try:
            result = sync_templates(vt.pk)
        finally:
            http.install_transport(previous)
        if not result.get("ok"):
            self.stderr.write(f"WhatsApp template sync failed: {result.get('error')}")

    def testers(self, account: Account, sub: Subaccount) -> None:
        testers = ContactList.objects.get_or_create(account=account, name="Channel testers", defaults={"subaccount": sub})[0]
        for phone, first_name, outcome in TESTERS:
            contact = Contact.objects.get_or_create(
                account=account, phone=phone, defaults={"first_name": first_name, "last_name": "Tester", "attributes": {"outcome": outcome}}
            )[0]
            ListMembership.objects.get_or_create(contact_list=testers, contact=contact)
        register_fields(account.pk, ["outcome"])

    def ledger(self, account: Account, amount: Decimal, kind: str, description: str, **links) -> None:
        account = Account.objects.select_for_update().get(pk=account.pk)
        account.balance += amount
        account.save(update_fields=["balance"])
        LedgerEntry.objects.create(
            account=account, kind=kind, amount=amount, balance_after=account.balance, description=description, **links
        )

    def contacts(self, account: Account, sub: Subaccount, count: int) -> list[ContactList]:
        newsletter = ContactList.objects.get_or_create(account=account, name="Newsletter", defaults={"subaccount": sub})[0]
        vip = ContactList.objects.get_or_create(account=account, name="VIP customers", defaults={"subaccount": sub})[0]
        if account.contacts.exists():
            return [newsletter, vip]
        rng = random.Random(2026)
        contacts = [
            Contact(
                account=account,
                phone=demo_number(rng, i),
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES),
                attributes={"city": rng.choice(CITIES)},
            )
            for i in range(count)
        ]
        Contact.objects.bulk_create(contacts, ignore_conflicts=True)
        register_fields(account.pk, ["city"])
        saved = list(account.contacts.order_by("id"))
        two_thirds = len(saved) * 2 // 3
        members = [ListMembership(contact_list=newsletter, contact=c) for c in saved[:two_thirds]]
        members += [ListMembership(contact_list=vip, contact=c) for c in saved[two_thirds - 20 :]]  # 20 in both lists
        ListMembership.objects.bulk_create(members, ignore_conflicts=True)
        Suppression.objects.get_or_create(
            account=account, phone=saved[0].phone, defaults={"reason": "opt_out", "source": "manual", "note": "Asked not to be contacted"}
        )
        return [newsletter, vip]

    def finished_campaign(self, account: Account, sub: Subaccount, conn: ProviderConnection, audience: ContactList) -> None:
        text = "Hi {{ first_name }}, welcome to Demo Telecom! Reply STOP to opt out."
        sender = SenderID.objects.get(account=account, channel="sms", value="DEMO")
        started = timezone.now() - timedelta(days=2, hours=3)
        campaign = Campaign.objects.create(
            account=account,
            subaccount=sub,
            name="Welcome offer",
            channel="sms",
            connection=conn,
            sender=sender,
            text=text,
            audience={"lists": [audience.pk]},
            status=Campaign.Status.COMPLETED,
            launched_at=started,
            started_at=started,
            finished_at=started + timedelta(minutes=40),
            timezone=account.timezone,
        )
        rng = random.Random(7)
        price = Decimal("0.0100")
        network = simulator_classes()[conn.provider].network_name  # as this provider names networks
        messages, counts = [], {}
        for n, contact in enumerate(audience.contacts.order_by("id")):
            body = text.replace("{{ first_name }}", contact.first_name)
            info = analyze(body)
            status, error = history_outcome(contact.phone)
            sent = started + timedelta(seconds=n * 5 + rng.randint(0, 4))
            accepted = status != MessageStatus.FAILED
            messages.append(
                Message(
                    account=account,
                    subaccount=sub,
                    campaign=campaign,
                    contact=contact,
                    connection=conn,
                    channel="sms",
                    sender=sender.value,
                    to=contact.phone,
                    text=body,
                    encoding=info.encoding,
                    segments=info.segments,
                    status=status,
                    error_code=error,
                    provider_message_id=f"demo{n:06d}" if accepted else "",
                    network=network(contact.phone) if accepted else "",
                    price=price,
                    cost=price * info.segments if accepted else 0,
                    attempts=1,
                    queued_at=sent,
                    submitted_at=sent if accepted else None,
                    sent_at=sent if accepted else None,
                    delivered_at=sent + timedelta(seconds=rng.randint(2, 90)) if status == MessageStatus.DELIVERED else None,
                    failed_at=sent if not accepted or status != MessageStatus.DELIVERED else None,
                )
            )
            counts[status] = counts.get(status, 0) + 1
        Message.objects.bulk_create(messages)
        StatusCount.objects.bulk_create(
            [StatusCount(account=account, campaign=campaign, status=s, count=c, is_squashed=True) for s, c in counts.items()]
        )
        spent = sum((m.cost for m in messages), Decimal("0"))
        campaign.recipients = len(messages)
        campaign.spent = spent
        campaign.estimated_cost = spent
        campaign.save(update_fields=["recipients", "spent", "estimated_cost"])
        self.ledger(account, -spent, LedgerEntry.Kind.CHARGE, f"Campaign “{campaign.name}”", campaign=campaign, subaccount=sub)


# Pakistani mobile prefixes of the four operators, roughly by market share: Jazz (300, 301,
# 321), Telenor (345, 346), Zong (310, 312), Ufone (333).
MOBILE_PREFIXES = ("300", "345", "310", "301", "333", "321", "346", "312")


def demo_number(rng: random.Random, i: int) -> str:
    """Valid Pakistani mobile numbers of every operator; most have a second-last digit of 1 (the simulators
    deliver those), the rest exercise undelivered/expired/rejected outcomes."""
    middle = f"{rng.randrange(10**5):05d}"
    last_two = f"1{rng.randrange(10)}" if i % 5 else f"{rng.randrange(2, 10)}{rng.randrange(10)}"
    return f"+92{MOBILE_PREFIXES[i % len(MOBILE_PREFIXES)]}{middle}{last_two}"


def history_outcome(phone: str) -> tuple[str, str]:
    from providers.simulator.base import outcome_for

    outcome = outcome_for(phone)
    return {
        "delivered": (MessageStatus.DELIVERED, ""),
        "undelivered": (MessageStatus.UNDELIVERED, "not_delivered"),
        "expired": (MessageStatus.EXPIRED, "expired"),
        "rejected": (MessageStatus.REJECTED, "rejected"),
        "invalid": (MessageStatus.FAILED, "invalid_number"),
    }[outcome]


def tiny_wav(seconds: float = 2.0, rate: int = 8000) -> bytes:
    """A short mono 8 kHz WAV (a 440 Hz tone) for the demo's voice recording."""
    import io
    import math
    import struct
    import wave

    frames = b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * n / rate))) for n in range(int(seconds * rate)))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(rate)
        audio.writeframes(frames)
    return buffer.getvalue()
