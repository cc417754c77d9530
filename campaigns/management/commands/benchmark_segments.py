"""Time the segment editor's live count on a seeded account (default 100,000 contacts).

Run it against a scratch database, e.g.
``SQLITE_PATH=/tmp/bench.sqlite3 python manage.py migrate && SQLITE_PATH=/tmp/bench.sqlite3
python manage.py benchmark_segments``. It seeds the account "Segment benchmark" once (contacts
with custom fields, two lists, a delivered message each for half of them, replies, suppressions),
then asks the count endpoint for each sample segment through the test client and prints the
median and worst time of five runs."""

from __future__ import annotations

import json
import random
import statistics
import time
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test import Client
from django.utils import timezone

from campaigns.models import Account, Campaign, Contact, ContactList, InboundMessage, ListMembership, Membership, Message, Suppression

SLUG = "segment-benchmark"
BATCH = 5000


def _rule(field, op, value=None) -> dict:
    return {"field": field, "op": op, "value": value}


def samples(lists: list[int], campaign: int) -> dict[str, dict]:
    one = lambda *rules, match="all": {"match": "all", "groups": [{"match": match, "rules": list(rules)}]}  # noqa: E731
    return {
        "custom field equals": one(_rule("attr:tier", "equals", "gold")),
        "custom field contains": one(_rule("attr:city", "contains", "hor")),
        "number between": one(_rule("attr:score", "between", [20, 60])),
        "date within 30 days": one(_rule("attr:joined", "within_days", 30)),
        "in a list": one(_rule("list", "in", lists[:1])),
        "country PK": one(_rule("country", "in", ["PK"])),
        "delivered in 30 days": one(_rule("delivered", "within_days", 30)),
        "replied in 7 days": one(_rule("replied", "within_days", 7)),
        "not opted out": one(_rule("opted_out", "is", "no")),
        "last campaign is": one(_rule("last_campaign", "is", campaign)),
        "gold AND list AND delivered": one(
            _rule("attr:tier", "equals", "gold"), _rule("list", "in", lists), _rule("delivered", "within_days", 30)
        ),
        "(gold OR score>80) AND NOT replied": {
            "match": "all",
            "groups": [
                {"match": "any", "rules": [_rule("attr:tier", "equals", "gold"), _rule("attr:score", "gt", 80)]},
                {"match": "all", "rules": [_rule("replied", "not_within_days", 30)]},
            ],
        },
    }


class Command(BaseCommand):
    help = "Time the segment live count at 100k contacts (seeds a benchmark account once)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--contacts", type=int, default=100_000)
        parser.add_argument("--runs", type=int, default=5)

    def handle(self, *args, **options) -> None:
        account, user = self._account(options["contacts"])
        client = Client()
        client.force_login(user)
        lists = list(ContactList.objects.filter(account=account).order_by("pk").values_list("pk", flat=True))
        campaign = Campaign.objects.filter(account=account).values_list("pk", flat=True).first()
        total = Contact.objects.filter(account=account).count()
        self.stdout.write(f"{total:,} contacts; live count (/segments/count.json), {options['runs']} runs each:")
        worst_median = 0.0
        for name, conditions in samples(lists, campaign).items():
            times, answer = [], {}
            for _ in range(options["runs"]):
                started = time.perf_counter()
                response = client.get("/segments/count.json", {"conditions": json.dumps(conditions)}, HTTP_HOST="127.0.0.1")
                times.append((time.perf_counter() - started) * 1000)
                answer = response.json()
            median = statistics.median(times)
            worst_median = max(worst_median, median)
            self.stdout.write(
                f"  {name:<38} {answer.get('contacts', answer)!s:>7} match  median {median:6.0f} ms  worst {max(times):6.0f} ms"
            )
        self.stdout.write(f"slowest median: {worst_median:.0f} ms")

    def _account(self, size: int):
        account = Account.objects.filter(slug=SLUG).first()
        if account is None:
            account = self._seed(size)
        user = get_user_model().objects.get(username="bench-marketer@example.test")
        return account, user

    @transaction.atomic
    def _seed(self, size: int) -> Account:
        from providers.models import ProviderConnection

        rng = random.Random(7)
        account = Account.objects.create(name="Segment benchmark", slug=SLUG)
        user = get_user_model().objects.create_user(username="bench-marketer@example.test", email="bench-marketer@example.test")
        Membership.objects.create(user=user, account=account, role="marketer")
        today = timezone.localdate()
        tiers, cities = ["gold", "silver", "bronze", ""], ["Lahore", "Karachi", "Islamabad", "Dubai"]
        rows = [
            Contact(
                account=account,
                phone=f"+92300{i:07d}" if i % 5 else f"+97150{i:07d}",
                first_name=f"Name{i}",
                attributes={
                    "tier": tiers[rng.randrange(4)],
                    "city": cities[rng.randrange(4)],
                    "score": rng.randrange(100) if i % 7 else "n/a",
                    "joined": (today - timedelta(days=rng.randrange(400))).isoformat(),
                },
            )
            for i in range(size)
        ]
        Contact.objects.bulk_create(rows, batch_size=BATCH)
        ids = list(Contact.objects.filter(account=account).order_by("pk").values_list("pk", flat=True))
        for name, members in (("Newsletter", ids[::2]), ("VIP", ids[::10])):
            contact_list = ContactList.objects.create(account=account, name=name)
            ListMembership.objects.bulk_create([ListMembership(contact_list=contact_list, contact_id=i) for i in members], batch_size=BATCH)
        connection = ProviderConnection(account=account, name="bench", provider="vt", base_url="http://127.0.0.1:9/vt", is_active=False)
        connection.set_credentials({"apikey": "bench"})
        connection.save()
        campaign = Campaign.objects.create(account=account, name="Bench", connection=connection, status="completed")
        now = timezone.now()
        messages = [
            Message(
                account=account, campaign=campaign, contact_id=pk, connection=connection, to="+923000000000",
                status="delivered", submitted_at=now - timedelta(days=pk % 60), delivered_at=now - timedelta(days=pk % 60),
            )
            for pk in ids[::2]
        ]  # fmt: skip
        Message.objects.bulk_create(messages, batch_size=BATCH)
        InboundMessage.objects.bulk_create(
            [InboundMessage(account=account, from_number="+923000000000", contact_id=pk, text="YES") for pk in ids[::50]], batch_size=BATCH
        )
        phones = Contact.objects.filter(pk__in=ids[::100]).values_list("phone", flat=True)
        Suppression.objects.bulk_create([Suppression(account=account, phone=p) for p in phones], batch_size=BATCH)
        self.stdout.write(f"seeded {size:,} contacts, {len(messages):,} messages")
        return account
