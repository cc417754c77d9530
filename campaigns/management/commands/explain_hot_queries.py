"""python manage.py explain_hot_queries [--messages 1000000]: the PostgreSQL plans of the
send engine's hot statements, on a campaign of that many messages (seeded once, in SQL).

Each statement runs under EXPLAIN (ANALYZE) inside a transaction that is rolled back, so
the data stays as seeded. docs/postgres-plans.md keeps the output; a plan that reads a
whole table (Seq Scan on a big one) is printed with a warning."""

from __future__ import annotations

import time
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

ACCOUNT_SLUG = "explain-hot-queries"


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "EXPLAIN ANALYZE the send engine's hot statements at a given number of messages (PostgreSQL)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--messages", type=int, default=1_000_000)

    def handle(self, *args, **opts) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("This command needs PostgreSQL (set DATABASE_URL).")
        campaign, conn = self.seed(opts["messages"])
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM campaigns_message")
            total = cursor.fetchone()[0]
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
        self.stdout.write(f"# PostgreSQL {version}; campaigns_message holds {total} rows\n")
        for title, sql, params in self.statements(campaign, conn):
            self.explain(title, sql, params)

    # --- seeding ---------------------------------------------------------------------
    def seed(self, n: int):
        from campaigns.models import Account, Campaign, Message, SenderID
        from providers.models import ProviderConnection

        account = Account.objects.filter(slug=ACCOUNT_SLUG).first()
        if account is not None:
            campaign = Campaign.objects.get(account=account)
            return campaign, campaign.connection
        started = time.monotonic()
        account = Account.objects.create(name="Explain", slug=ACCOUNT_SLUG)
        conn = ProviderConnection(account=account, name="vt", provider="vt", base_url="http://127.0.0.1:9/vt", mps=0)
        conn.set_credentials({"apikey": "explain"})
        conn.save()
        sender = SenderID.objects.create(account=account, channel="sms", value="EXPLAIN", status="approved", connection=conn)
        campaign = Campaign.objects.create(
            account=account, name="Explain", channel="sms", connection=conn, sender=sender, text="Hi", status="running"
        )
        template = Message.objects.create(
            account=account,
            campaign=campaign,
            connection=conn,
            to="+923000000000",
            text="Hi",
            price=Decimal("0.001"),
            status="delivered",
            provider_message_id="vt-0",
        )
        self.fill(template, n - 1)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(f"-- seeded {n} messages in {time.monotonic() - started:.0f} s")
        return campaign, conn

    def fill(self, template, n: int) -> None:
        """n copies of ``template`` in one INSERT ... SELECT: the first 95% delivered with
        provider ids, then 2,000 queued, the rest pending (the campaign's tail)."""
        from campaigns.models import Message

        columns = [f.column for f in Message._meta.concrete_fields if f.column != "id"]
        pending_from, queued_from = n - max(n // 20, 1), n - max(n // 20, 1) - 2000
        override = {
            "to": "'+92300' || lpad(g::text, 7, '0')",
            "status": f"CASE WHEN g >= {pending_from} THEN 'pending' WHEN g >= {queued_from} THEN 'queued' ELSE 'delivered' END",
            "provider_message_id": f"CASE WHEN g < {queued_from} THEN 'vt-' || g::text ELSE '' END",
            "queued_at": "now() - (g || ' seconds')::interval",
            "created_at": "now() - interval '1 day'",
        }
        select = ", ".join(override.get(c, f't."{c}"') for c in columns)
        names = ", ".join(f'"{c}"' for c in columns)
        sql = f"INSERT INTO campaigns_message ({names}) SELECT {select} FROM campaigns_message t, generate_series(1, %s) g WHERE t.id = %s"
        with connection.cursor() as cursor:
            cursor.execute(sql, [n, template.pk])
            cursor.execute(
                "INSERT INTO campaigns_statuscount (account_id, campaign_id, status, count, is_squashed, hour, not_sent)"
                " SELECT account_id, campaign_id, status, count(*), true, date_trunc('hour', now()), false"
                " FROM campaigns_message WHERE campaign_id = %s"
                " GROUP BY account_id, campaign_id, status",
                [template.campaign_id],
            )

    # --- the statements --------------------------------------------------------------
    def statements(self, campaign, conn) -> list[tuple[str, str, list]]:
        from campaigns.models import Message, StatusCount
        from campaigns.services.held_reports import ADOPT_WINDOW
        from campaigns.services.pg_insert import array_sql
        from campaigns.services.pipeline import LAST_ID
        from campaigns.services.transitions import _claim_sql
        from providers.models import HeldReport, WebhookEvent

        now = timezone.now()
        with connection.cursor() as cursor:
            cursor.execute("SELECT min(id), max(id) FROM campaigns_message WHERE campaign_id = %s AND status = 'pending'", [campaign.pk])
            lo, hi = cursor.fetchone()
        pids = [f"vt-{i}" for i in range(1000, 1500)]
        chunk = list(range(lo, lo + 1000))
        some_ids = list(Message.objects.filter(campaign=campaign, status="delivered").values_list("pk", flat=True)[:500])

        def orm(title: str, qs) -> tuple[str, str, list]:
            sql, params = qs.query.sql_with_params()
            return (title, sql, list(params))

        table = connection.ops.quote_name(Message._meta.db_table)
        columns = (chunk, [f"x-{i}" for i in chunk], [""] * len(chunk))
        arrays = [array_sql(values, db_type) for values, db_type in zip(columns, ("bigint", "text", "text"), strict=True)]
        return [
            (
                "claim a chunk (pipeline, one UPDATE ... RETURNING)",
                _claim_sql(),
                [campaign.pk, lo, hi, "pending", now, 1000, "queued", now, now, "pending"],
            ),
            (
                "claim a chunk from the campaign's first id, no upper bound (a task wrapping to earlier ranges)",
                _claim_sql(),
                [campaign.pk, 0, LAST_ID, "pending", now, 1000, "queued", now, now, "pending"],
            ),
            orm(
                "next ids of a range (pipeline)",
                Message.objects.filter(campaign_id=campaign.pk, pk__gte=lo, pk__lte=hi, status="pending")
                .order_by("pk")
                .values_list("pk", flat=True)[:1000],
            ),
            (
                "mark submitted (recording: a chunk of 1,000 in one UPDATE ... FROM unnest, only rows still under the claim)",
                f"UPDATE {table} SET status = %s, submitted_at = %s, updated_at = %s, provider_message_id = v.pid, network = v.net,"
                f" cost = price * segments FROM unnest({', '.join(sql for sql, _ in arrays)}) AS v(mid, pid, net)"
                f" WHERE {table}.id = v.mid AND {table}.status = %s AND {table}.queued_at = %s RETURNING {table}.id",
                ["submitted", now, now, *(param for _, param in arrays), "queued", now],
            ),
            orm(
                "find reports' messages by provider id (500 reports)",
                Message.objects.filter(connection_id=conn.pk, provider_message_id__in=pids)
                .exclude(provider_message_id="")
                .values_list("provider_message_id", "id"),
            ),
            orm("find reports' messages by our id (500 reports)", Message.objects.filter(account_id=campaign.account_id, pk__in=some_ids)),
            orm("campaign counts (delta rows, no COUNT over messages)", StatusCount.objects.filter(campaign_id=campaign.pk)),
            orm("held reports for a chunk (after recording)", HeldReport.objects.filter(connection_id=conn.pk)),
            orm("stale claims (tick)", Message.objects.filter(status="queued", queued_at__lt=now).values_list("pk", flat=True)[:2000]),
            orm(
                "unknown messages to reconcile (tick)",
                Message.objects.filter(connection_id=conn.pk, status="unknown")
                .order_by("pk")
                .values_list("pk", "provider_message_id")[:2000],
            ),
            orm(
                "single sends stuck pending (tick)",
                Message.objects.filter(campaign__isnull=True, status="pending", updated_at__lt=now).values_list("pk", flat=True)[:5000],
            ),
            orm(
                "adoption candidates (held report with a destination)",
                Message.objects.filter(
                    connection_id=conn.pk,
                    to="+923000001234",
                    status="unknown",
                    provider_message_id="",
                    queued_at__gte=now - ADOPT_WINDOW,
                    queued_at__lte=now,
                ).values_list("pk", flat=True)[:2],
            ),
            orm(
                "reply matched to the last message sent to the number (inbound)",
                Message.objects.filter(account_id=campaign.account_id, connection_id=conn.pk, to="+923000001234")
                .order_by("-id")
                .values("id", "campaign_id", "subaccount_id")[:1],
            ),
            orm(
                "single sends waiting on a connection (queue depth)",
                Message.objects.filter(connection_id=conn.pk, campaign__isnull=True, status__in=["pending", "queued"]),
            ),
            orm(
                "webhook backlog (apply loop)",
                WebhookEvent.objects.filter(outcome="received", processed_at__isnull=True)
                .order_by("pk")
                .values_list("pk", flat=True)[:500],
            ),
        ]

    def explain(self, title: str, sql: str, params: list) -> None:
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON) {sql}", params)
                    lines = [r[0] for r in cursor.fetchall()]
                raise Rollback
        except Rollback:
            pass
        self.stdout.write(f"\n## {title}\n\n```")
        for line in lines:
            self.stdout.write(line)
        self.stdout.write("```")
        if any("Seq Scan on campaigns_message" in line for line in lines):
            self.stdout.write("WARNING: reads the whole messages table")
