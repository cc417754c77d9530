"""Time the segment editor's live count on a seeded account (default 100,000 contacts).

Run it against a scratch database, e.g.
``DATABASE_URL=sqlite:////tmp/bench/db.sqlite3 python manage.py migrate`` and the same
``DATABASE_URL=... python manage.py benchmark_segments`` (a postgres:// URL for PostgreSQL). It
seeds the account "Segment benchmark" once (contacts with custom fields, two lists, a delivered
message each for half of them, failures in a second campaign, clicks, replies, consent,
subscriptions, suppressions), then asks the count endpoint for a segment of each operator and
engagement condition through the test client and prints the best, median and worst of the runs."""

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

from campaigns.models import (
    Account,
    Campaign,
    Click,
    ConsentRecord,
    Contact,
    ContactList,
    InboundMessage,
    ListMembership,
    Membership,
    Message,
    ShortLink,
    Subscription,
    Suppression,
)
from campaigns.services import attribute_numbers

SLUG = "segment-benchmark"
BATCH = 5000


def _rule(field, op, value=None) -> dict:
    return {"field": field, "op": op, "value": value}


def samples(lists: list[int], campaigns: list[int]) -> dict[str, dict]:
    """Every operator of every kind of field and every engagement condition, plus mixes."""
    one = lambda *rules, match="all": {"match": "all", "groups": [{"match": match, "rules": list(rules)}]}  # noqa: E731
    return {
        "first name equals": one(_rule("first_name", "equals", "name4242")),
        "phone starts with +9715": one(_rule("phone", "starts_with", "+9715")),
        "network not empty": one(_rule("network", "not_empty")),
        "custom field equals": one(_rule("attr:tier", "equals", "gold")),
        "custom field not equals": one(_rule("attr:tier", "not_equals", "gold")),
        "custom field contains": one(_rule("attr:city", "contains", "hor")),
        "custom field not contains": one(_rule("attr:city", "not_contains", "hor")),
        "custom field starts with": one(_rule("attr:city", "starts_with", "kar")),
        "custom field in": one(_rule("attr:tier", "in", ["gold", "silver"])),
        "custom field empty": one(_rule("attr:tier", "empty")),
        "custom field not empty": one(_rule("attr:tier", "not_empty")),
        "number >": one(_rule("attr:score", "gt", 80)),
        "number >=": one(_rule("attr:score", "gte", 80)),
        "number <": one(_rule("attr:score", "lt", 20)),
        "number <=": one(_rule("attr:score", "lte", 20)),
        "number between": one(_rule("attr:score", "between", [20, 60])),
        "date before": one(_rule("attr:joined", "before", "2026-01-01")),
        "date after": one(_rule("attr:joined", "after", "2026-01-01")),
        "date within 30 days": one(_rule("attr:joined", "within_days", 30)),
        "in a list": one(_rule("list", "in", lists[:1])),
        "not in a list": one(_rule("list", "not_in", lists[:1])),
        "country PK": one(_rule("country", "in", ["PK"])),
        "country not PK": one(_rule("country", "not_in", ["PK"])),
        "subscription registered": one(_rule("subscription", "is", "registered")),
        "never subscribed": one(_rule("subscription", "is", "none")),
        "consent opted in": one(_rule("consent", "is", "opted_in")),
        "consent unknown": one(_rule("consent", "is", "unknown")),
        "not opted out": one(_rule("opted_out", "is", "no")),
        "suppressed": one(_rule("suppressed", "is", "yes")),
        "received in 30 days": one(_rule("received", "within_days", 30)),
        "delivered in 30 days": one(_rule("delivered", "within_days", 30)),
        "failed in 30 days": one(_rule("failed", "within_days", 30)),
        "clicked in 30 days": one(_rule("clicked", "within_days", 30)),
        "replied in 7 days": one(_rule("replied", "within_days", 7)),
        "not delivered in 30 days": one(_rule("delivered", "not_within_days", 30)),
        "not clicked in 30 days": one(_rule("clicked", "not_within_days", 30)),
        "received campaign": one(_rule("campaign", "in", campaigns[:1])),
        "did not receive campaign": one(_rule("campaign", "not_in", campaigns[:1])),
        "last campaign is": one(_rule("last_campaign", "is", campaigns[0])),
        "last campaign within 7 days": one(_rule("last_campaign", "within_days", 7)),
        "last campaign not within 7 days": one(_rule("last_campaign", "not_within_days", 7)),
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
        "score 20-60 OR clicked OR failed": one(
            _rule("attr:score", "between", [20, 60]), _rule("clicked", "within_days", 30), _rule("failed", "within_days", 30), match="any"
        ),
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
        campaigns = list(Campaign.objects.filter(account=account).order_by("pk").values_list("pk", flat=True))
        total = Contact.objects.filter(account=account).count()
        self.stdout.write(f"{total:,} contacts; live count (/segments/count.json), {options['runs']} runs each:")
        worst_median, worst_best = 0.0, 0.0
        for name, conditions in samples(lists, campaigns).items():
            times, answer = [], {}
            for _ in range(options["runs"]):
                started = time.perf_counter()
                response = client.get("/segments/count.json", {"conditions": json.dumps(conditions)}, HTTP_HOST="127.0.0.1")
                times.append((time.perf_counter() - started) * 1000)
                answer = response.json()
            median = statistics.median(times)
            worst_median, worst_best = max(worst_median, median), max(worst_best, min(times))
            self.stdout.write(
                f"  {name:<38} {answer.get('contacts', answer)!s:>7} match  best {min(times):5.0f}  median {median:5.0f}"
                f"  worst {max(times):5.0f} ms"
            )
        self.stdout.write(f"slowest best: {worst_best:.0f} ms; slowest median: {worst_median:.0f} ms")

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
        attribute_numbers.sync(Contact.objects.filter(account=account))
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
        self._seed_engagement(account, connection, ids, now)
        phones = Contact.objects.filter(pk__in=ids[::100]).values_list("phone", flat=True)
        Suppression.objects.bulk_create([Suppression(account=account, phone=p) for p in phones], batch_size=BATCH)
        self.stdout.write(f"seeded {size:,} contacts, {len(messages):,} messages")
        return account

    def _seed_engagement(self, account: Account, connection, ids: list[int], now) -> None:
        """Failures in a second campaign, clicks, consent records and subscriptions, so every
        engagement and state rule has rows to look through."""
        later = Campaign.objects.create(account=account, name="Bench 2", connection=connection, status="completed")
        failed = [
            Message(
                account=account, campaign=later, contact_id=pk, connection=connection, to="+923000000000",
                status="failed", submitted_at=now - timedelta(days=pk % 40), failed_at=now - timedelta(days=pk % 40),
            )
            for pk in ids[1::20]
        ]  # fmt: skip
        Message.objects.bulk_create(failed, batch_size=BATCH)
        links = ShortLink.objects.bulk_create(
            [ShortLink(account=account, contact_id=pk, url="https://example.com/offer", code=f"bench{pk}") for pk in ids[::40]],
            batch_size=BATCH,
        )
        Click.objects.bulk_create(
            [
                Click(link=link, account=account, contact_id=link.contact_id, clicked_at=now - timedelta(days=link.contact_id % 45))
                for link in links
            ],
            batch_size=BATCH,
        )
        ConsentRecord.objects.bulk_create(
            [ConsentRecord(account=account, contact_id=pk, status="opted_in", source="import") for pk in ids[::3]], batch_size=BATCH
        )
        Subscription.objects.bulk_create(
            [Subscription(account=account, contact_id=pk, connection=connection, status="registered", since=now) for pk in ids[::25]],
            batch_size=BATCH,
        )
