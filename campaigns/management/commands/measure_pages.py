"""Server time of the marketer pages on a big account: 100k contacts and 1M messages.

    python manage.py measure_pages                   # seeds the "perf-measure" account once, then measures
    python manage.py measure_pages --contacts 20000 --messages 100000 --runs 5

Seeding uses the configured database (set SQLITE_PATH or DATABASE_URL to measure on a
scratch one). Each page is requested in-process through Django's test client (middleware,
views, queries and templates included; no network), ``--runs`` times after one warm-up;
the table shows the first (cold: caches empty) time, the median and worst of the others,
and the number of SQL queries."""

from __future__ import annotations

import random
import statistics
import time
from collections import Counter
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campaigns.models import (
    Account,
    Campaign,
    Contact,
    ContactList,
    InboundMessage,
    ListMembership,
    Membership,
    Message,
    Role,
    SenderID,
    StatusCount,
    Subaccount,
    Suppression,
)
from providers.models import ProviderConnection

SLUG = "perf-measure"
BATCH = 5000
OUTCOMES = ["delivered"] * 85 + ["undelivered"] * 6 + ["expired"] * 3 + ["rejected"] * 2 + ["failed"] * 2 + ["sent"] * 2
NETWORKS = ["Jazz", "Telenor", "Zong", "Ufone"]
LIMIT_MS = 300


class Command(BaseCommand):
    help = "Seed (once) a big account and print each marketer page's server time."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--contacts", type=int, default=100_000)
        parser.add_argument("--messages", type=int, default=1_000_000)
        parser.add_argument("--campaigns", type=int, default=20)
        parser.add_argument("--runs", type=int, default=3)

    def handle(self, *args, **opts) -> None:
        call_command("migrate", verbosity=0)
        account = Account.objects.filter(slug=SLUG).first() or self.seed(opts["contacts"], opts["messages"], opts["campaigns"])
        self.stdout.write(
            f"Account {account.slug}: {Contact.objects.filter(account=account).count():,} contacts, "
            f"{Message.objects.filter(account=account).count():,} messages, {Campaign.objects.filter(account=account).count()} campaigns"
        )
        rows = [self.measure(client, path, opts["runs"]) for client, path in self.pages(account)]
        self.report(rows)

    # --- seeding -------------------------------------------------------------------------

    def seed(self, n_contacts: int, n_messages: int, n_campaigns: int) -> Account:
        started = time.monotonic()
        account = Account.objects.create(name="Perf Measure", slug=SLUG, balance=Decimal("100000"))
        sub = Subaccount.objects.create(account=account, name="Marketing")
        for role, email in ((Role.ADMIN, "perf-admin@perf.test"), (Role.MARKETER, "perf-marketer@perf.test")):
            user = get_user_model().objects.create_user(username=email, email=email, password="perf-measure-only")
            Membership.objects.create(user=user, account=account, role=role, subaccount=sub if role == Role.MARKETER else None)
        conn = ProviderConnection(account=account, name="VT perf", provider="vt", base_url="http://127.0.0.1:8025/vt")
        conn.set_credentials({"apikey": "perf"})
        conn.save()
        sender = SenderID.objects.create(account=account, channel="sms", value="PERF", status="approved", connection=conn)
        contact_ids = self.seed_contacts(account, n_contacts)
        lists = self.seed_lists(account, sub, contact_ids)
        self.seed_campaigns(account, sub, conn, sender, lists[0], contact_ids, n_messages, n_campaigns)
        Suppression.objects.bulk_create(
            [Suppression(account=account, phone=f"+9230{i:08d}", reason="opt_out") for i in range(0, 20000, 10)]
        )
        InboundMessage.objects.bulk_create(
            [
                InboundMessage(
                    account=account,
                    connection=conn,
                    from_number=f"+9230{i:08d}",
                    text="STOP" if i % 7 == 0 else "Yes",
                    is_opt_out=i % 7 == 0,
                )
                for i in range(5000)
            ],
            batch_size=BATCH,
        )
        self.stdout.write(f"Seeded in {time.monotonic() - started:.0f} s")
        return account

    def seed_contacts(self, account: Account, n: int) -> list[int]:
        for start in range(0, n, BATCH):
            batch = [
                Contact(
                    account=account,
                    phone=f"+9230{i:08d}",
                    first_name=f"Name{i}",
                    last_name=f"Last{i % 997}",
                    attributes={"city": random.choice(["Lahore", "Karachi", "Multan"])},
                )
                for i in range(start, min(n, start + BATCH))
            ]
            Contact.objects.bulk_create(batch, batch_size=BATCH)
        return list(Contact.objects.filter(account=account).order_by("id").values_list("id", flat=True))

    def seed_lists(self, account: Account, sub: Subaccount, contact_ids: list[int]) -> list[ContactList]:
        everyone = ContactList.objects.create(account=account, subaccount=sub, name="Everyone")
        half = ContactList.objects.create(account=account, subaccount=sub, name="Half")
        ContactList.objects.create(account=account, subaccount=sub, name="Empty")
        for cl, ids in ((everyone, contact_ids), (half, contact_ids[::2])):
            for start in range(0, len(ids), BATCH):
                ListMembership.objects.bulk_create(
                    [ListMembership(contact_list=cl, contact_id=c) for c in ids[start : start + BATCH]], batch_size=BATCH
                )
        return [everyone, half]

    def seed_campaigns(self, account, sub, conn, sender, contact_list, contact_ids, n_messages, n_campaigns) -> None:
        per = n_messages // n_campaigns
        base = timezone.now() - timedelta(days=n_campaigns)
        for k in range(n_campaigns):
            start = base + timedelta(days=k)
            campaign = Campaign.objects.create(
                account=account,
                subaccount=sub,
                name=f"Campaign {k + 1}",
                connection=conn,
                sender=sender,
                text="Hi {{ first_name }}",
                audience={"lists": [contact_list.pk]},
                status="completed",
                started_at=start,
                finished_at=start + timedelta(hours=2),
                recipients=per,
            )
            counts: Counter = Counter()
            for offset in range(0, per, BATCH):
                batch = []
                for i in range(offset, min(per, offset + BATCH)):
                    status = OUTCOMES[(i * 7 + k) % len(OUTCOMES)]
                    counts[status] += 1
                    cid = contact_ids[i % len(contact_ids)]
                    batch.append(
                        Message(
                            account=account,
                            subaccount=sub,
                            campaign=campaign,
                            contact_id=cid if i < len(contact_ids) else None,  # one message per contact and campaign
                            connection=conn,
                            sender="PERF",
                            to=f"+9230{cid:08d}",
                            text="Hi",
                            status=status,
                            provider_message_id=f"p{k}-{i}",
                            network=NETWORKS[i % 4],
                            cost=Decimal("0.01"),
                            error_code="" if status in ("delivered", "sent") else "not_delivered",
                            submitted_at=start,
                            delivered_at=start + timedelta(seconds=i % 7200) if status == "delivered" else None,
                        )
                    )
                with transaction.atomic():
                    Message.objects.bulk_create(batch, batch_size=BATCH)
            StatusCount.objects.bulk_create([StatusCount(account=account, campaign=campaign, status=s, count=n) for s, n in counts.items()])
            self.stdout.write(f"  campaign {k + 1}/{n_campaigns}: {per:,} messages")

    # --- measuring -----------------------------------------------------------------------

    def pages(self, account: Account) -> list[tuple[Client, str]]:
        admin, marketer = Client(), Client()
        admin.force_login(get_user_model().objects.get(username="perf-admin@perf.test"))
        marketer.force_login(get_user_model().objects.get(username="perf-marketer@perf.test"))
        campaign = Campaign.objects.filter(account=account, status="completed").order_by("-id").first()
        everyone = ContactList.objects.get(account=account, name="Everyone")
        contact = Contact.objects.filter(account=account).order_by("id").first()
        draft, _ = Campaign.objects.get_or_create(
            account=account,
            name="Perf draft",
            defaults={
                "connection": campaign.connection,
                "sender": campaign.sender,
                "text": "Hi {{ first_name }}",
                "audience": {"lists": [everyone.pk]},
                "subaccount": campaign.subaccount,
            },
        )
        total = Contact.objects.filter(account=account).count()
        middle = Contact.objects.filter(account=account).order_by("id").values_list("id", flat=True)[total // 2]
        paths = [
            "/",
            "/contacts/",
            "/contacts/?q=%2B92300001",
            "/contacts/?q=Name4242",
            f"/contacts/?before={middle}",
            f"/contacts/{contact.pk}/",
            "/lists/",
            f"/lists/{everyone.pk}/",
            "/suppressions/",
            "/campaigns/",
            f"/campaigns/{campaign.pk}/",
            f"/campaigns/{campaign.pk}/?status=undelivered",
            f"/campaigns/{campaign.pk}/counts.json",
            f"/campaigns/{campaign.pk}/stats.json",
            "/campaigns/new/",
            f"/campaigns/{draft.pk}/edit/audience/",
            f"/campaigns/{draft.pk}/edit/review/",
            f"/campaigns/compose/audience.json?lists={everyone.pk}",
            f"/campaigns/{draft.pk}/estimate.json",
            "/templates/",
            "/recordings/",
            "/inbox/",
            "/contacts/import/",
        ]
        return [(marketer, p) for p in paths] + [(admin, "/"), (admin, "/campaigns/")]

    def measure(self, client: Client, path: str, runs: int) -> tuple[str, int, float, float, float, int]:
        from django.core.cache import cache

        cache.clear()
        timings, status, queries = [], 0, 0
        for run in range(runs + 1):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(path)
                if getattr(response, "streaming", False):
                    b"".join(response.streaming_content)
                elapsed = (time.perf_counter() - started) * 1000
            if run == 0:
                first = elapsed  # cold: nothing cached
                continue
            timings.append(elapsed)
            status, queries = response.status_code, len(captured)
        return path, status, first, statistics.median(timings), max(timings), queries

    def report(self, rows) -> None:
        self.stdout.write(f"\n{'page':60} {'HTTP':>4} {'cold ms':>8} {'median':>8} {'worst':>8} {'queries':>7}")
        for path, status, first, median, worst, queries in rows:
            flag = "  << over 300 ms" if max(first, median) > LIMIT_MS else ""
            self.stdout.write(f"{path[:60]:60} {status:>4} {first:8.1f} {median:8.1f} {worst:8.1f} {queries:>7}{flag}")
        pages = [r for r in rows if ".json" not in r[0] and ".csv" not in r[0]]
        fast = [r for r in pages if max(r[2], r[3]) <= LIMIT_MS]
        self.stdout.write(f"\nHTML pages: {len(fast)} of {len(pages)} under {LIMIT_MS} ms, cold and warm.")
        for path, _, first, median, *_ in rows:
            if path not in {r[0] for r in pages} and max(first, median) > LIMIT_MS:
                self.stdout.write(f"JSON loaded in the background, slow when cold: {path} ({first:.0f} ms cold, {median:.0f} ms warm)")
