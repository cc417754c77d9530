"""python manage.py benchmark [--recipients 100000] [--database postgres] [--broker redis]
[--clusters N]: send-engine figures on this machine.

Builds a throwaway runtime (its own SQLite file, or a private PostgreSQL and/or Redis
started from the Debian packages, or a scratch database on the DATABASE_URL server and
the REDIS_URL server when those are set; simulators, N django-q2 clusters and gunicorn on
127.0.0.1), prints which database and broker it measured, runs one campaign through a bulk provider (wavy, 1000 per
request) and one through a single-message provider (vt), measures the same sends with a
plain loop over the backend's HTTP (no database: the ceiling), then floods the webhook
intake, then taps tracked short links (GET /l/<code>) as phones do. Prints throughput, the
workers' peak memory and the ratios. Internal phases run in the runtime's environment via
--phase. Only the redirects: ``benchmark --providers "" --flood 0 --recipients 2000``."""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand

PHONE_AGENT = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"
PROVIDERS = {
    # slug: credentials for the simulator
    "wavy": {"username": "bench@example.com", "authenticationtoken": "bench-token"},
    "vt": {"apikey": "bench-key"},
}


class Command(BaseCommand):
    help = "Measure the send engine: bulk and single-message providers, the plain-loop ceiling, webhook intake."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--recipients", type=int, default=100_000)
        parser.add_argument("--providers", default="wavy,vt")
        parser.add_argument("--workers", type=int, default=2, help="django-q2 workers per cluster")
        parser.add_argument("--clusters", type=int, default=1, help="qcluster processes sharing the work")
        parser.add_argument(
            "--database", choices=["sqlite", "postgres"], default="sqlite", help="postgres: DATABASE_URL's server, else a private one"
        )
        parser.add_argument("--broker", choices=["orm", "redis"], default="orm", help="redis: REDIS_URL, else a private Redis")
        parser.add_argument("--flood", type=int, default=20_000, help="webhook reports to post (0: skip)")
        parser.add_argument("--flood-concurrency", type=int, default=32)
        parser.add_argument("--web-workers", type=int, default=2, help="gunicorn processes for the intake and redirects")
        parser.add_argument("--web-threads", type=int, default=8, help="threads per gunicorn process")
        parser.add_argument("--redirects", type=int, default=20_000, help="short-link taps to make (0: skip)")
        parser.add_argument("--keep", action="store_true", help="keep the runtime's directory")
        parser.add_argument("--profile", default="", help="a folder: the clusters' tasks leave cProfile files there")
        parser.add_argument("--timeout", type=float, default=900)
        # internal
        parser.add_argument(
            "--phase", default="", help="internal: seed | launch | counts | tick | ceiling | bodies | intake | links | clicks"
        )
        parser.add_argument("--campaign", type=int, default=0)
        parser.add_argument("--provider", default="")
        parser.add_argument("--sim-url", default="")
        parser.add_argument("--concurrency", type=int, default=1)
        parser.add_argument("--out", default="")
        parser.add_argument("--mps", type=int, default=0, help="internal: the connections' throughput cap")

    def handle(self, *args, **opts) -> None:
        phase = opts["phase"]
        if phase:
            result = getattr(self, f"phase_{phase}")(opts)
            self.stdout.write(json.dumps(result, default=str))
            return
        self.orchestrate(opts)

    # --- orchestration (the outer process touches no database) -------------------------
    def orchestrate(self, opts) -> None:
        import signal

        from campaigns.services.private_services import start_services
        from campaigns.services.sandbox import Sandbox, peak_rss_mb

        def stop(signum, frame):
            raise KeyboardInterrupt  # leave the Sandbox block: it stops every process it started

        signal.signal(signal.SIGTERM, stop)

        root = Path(tempfile.mkdtemp(prefix="portal-bench-"))
        n, providers = opts["recipients"], [p for p in opts["providers"].split(",") if p]
        self.web = (opts["web_workers"], opts["web_threads"])
        say = self.stdout.write
        figures: dict = {}
        try:
            with contextlib.ExitStack() as stack:
                env, self.labels = start_services(root / "services", stack, database=opts["database"], broker=opts["broker"])
                say(
                    f"Benchmark: {n} recipients per campaign, providers {', '.join(providers)}; database {self.labels['database']}; "
                    f"broker {self.labels['broker']}; {opts['clusters']} cluster(s) of {opts['workers']} workers; runtime in {root}"
                )
                if opts["profile"]:
                    env = {**env, "ENGINE_PROFILE_DIR": str(Path(opts["profile"]).resolve())}
                box = stack.enter_context(Sandbox(root, env=env))
                t = time.monotonic()
                box.manage("migrate", "--noinput", "-v", "0")
                box.start_simulators(delay=3600)  # reports are not posted during the send runs
                ids = box.manage_json(
                    "benchmark", "--phase", "seed", "--recipients", str(n), "--providers", ",".join(providers), "--sim-url", box.sim_url
                )
                say(f"  setup (migrate, {n} contacts): {time.monotonic() - t:.1f} s")
                clusters = [box.start_cluster(name=cluster_name(i), workers=opts["workers"]).pid for i in range(max(1, opts["clusters"]))]
                time.sleep(2)
                box.ensure_running()
                for slug in providers:
                    figures[slug] = self.run_campaign(box, slug, ids[slug], n, opts["timeout"])
                    rss = {p: mb for pid in clusters for p, mb in peak_rss_mb(pid).items()}
                    figures[slug]["peak_rss_mb"] = max(rss.values()) if rss else 0
                    concurrency = self.concurrency(slug, opts["workers"] * max(1, opts["clusters"]))
                    ceiling = box.manage_json(
                        "benchmark", "--phase", "ceiling", "--provider", slug, "--recipients", str(n),
                        "--sim-url", box.sim_url, "--concurrency", str(concurrency),
                    )  # fmt: skip
                    figures[slug]["ceiling"] = ceiling["rate"]
                    figures[slug]["ratio"] = figures[slug]["rate"] / ceiling["rate"] if ceiling["rate"] else 0
                    self.print_send(slug, figures[slug], rss)
                if opts["flood"] and "vt" in ids:
                    figures["intake"] = self.flood(box, ids["vt"], opts)
                    self.print_intake(figures["intake"])
                if opts["redirects"]:
                    figures["redirects"] = self.tap_links(box, opts)
                    self.print_redirects(figures["redirects"])
        finally:
            if not opts["keep"]:
                shutil.rmtree(root, ignore_errors=True)
        self.print_summary(figures)

    @staticmethod
    def concurrency(slug: str, workers: int) -> int:
        from providers.registry import backend_class

        cls = backend_class(slug)
        return workers * (1 if cls.bulk_size > 1 else cls.concurrency)

    def run_campaign(self, box, slug: str, campaign_id: int, n: int, timeout: float) -> dict:
        """Launch, then watch the simulator's submission count (cheap) until all n arrived,
        then the campaign's counts until nothing is pending or queued."""
        before = box.sim_stats()[slug]["submissions"]
        launched = box.manage_json("benchmark", "--phase", "launch", "--campaign", str(campaign_id))
        # From the moment launch() was called (not counting the helper process's start).
        started = time.monotonic() - (time.time() - launched["called_at"])
        while time.monotonic() - started < timeout and box.sim_stats()[slug]["submissions"] - before < n:
            box.ensure_running()
            time.sleep(0.25)
        sim_seconds = time.monotonic() - started
        counts = {}
        while time.monotonic() - started < timeout:
            counts = box.manage_json("benchmark", "--phase", "counts", "--campaign", str(campaign_id))
            if counts["pending"] + counts["queued"] == 0 and counts["total"] >= n:
                break
            box.ensure_running()
            time.sleep(1)
        seconds = time.monotonic() - started
        if counts.get("finished_at"):  # the campaign's own completion stamp, not our polling's
            seconds = counts["finished_at"] - launched["called_at"]
        done = counts.get("submitted", 0)
        return {
            "seconds": seconds,
            "provider_seconds": sim_seconds,
            "submitted": done,
            "rate": done / seconds if seconds else 0,
            "counts": counts,
        }

    def flood(self, box, campaign_id: int, opts) -> dict:
        bodies_file = box.root / "bodies.jsonl"
        box.manage(
            "benchmark", "--phase", "bodies", "--campaign", str(campaign_id), "--recipients", str(opts["flood"]), "--out", str(bodies_file)
        )
        lines = [json.loads(x) for x in bodies_file.read_text().splitlines()]
        from campaigns.services.sandbox import cpu_seconds

        box.start_web(workers=opts["web_workers"], threads=opts["web_threads"])
        clusters = [p.pid for name, p in box.procs.items() if name.startswith("cluster")]

        def cluster_cpu_seconds() -> float:
            return sum(cpu_seconds(pid) for pid in clusters)

        web_cpu, cluster_cpu, own_cpu = cpu_seconds(box.procs["web"].pid), cluster_cpu_seconds(), time.process_time()
        started = time.monotonic()
        codes = asyncio.run(post_all(lines, opts["flood_concurrency"], f"http://127.0.0.1:{box.web_port}"))
        accepted_seconds = time.monotonic() - started
        web_cpu = cpu_seconds(box.procs["web"].pid) - web_cpu
        cluster_cpu = cluster_cpu_seconds() - cluster_cpu
        own_cpu = time.process_time() - own_cpu
        result = {}
        while time.monotonic() - started < opts["timeout"]:
            result = box.manage_json("benchmark", "--phase", "intake", "--campaign", str(campaign_id))
            if result["received"] == 0:
                break
            box.ensure_running()
            time.sleep(0.5)
        applied_seconds = time.monotonic() - started
        ok = sum(1 for c in codes if c == 200)
        return {
            "posted": len(lines),
            "ok": ok,
            "accept_seconds": accepted_seconds,
            "accept_rate": ok / accepted_seconds if accepted_seconds else 0,
            "applied_seconds": applied_seconds,
            "web_cpu_ms_per_report": 1000 * web_cpu / max(ok, 1),
            # What else ran on the two cores while the reports came in (cores busy on average).
            "cores_web": web_cpu / accepted_seconds if accepted_seconds else 0,
            "cores_cluster": cluster_cpu / accepted_seconds if accepted_seconds else 0,
            "cores_sender": own_cpu / accepted_seconds if accepted_seconds else 0,
            "apply_rate": len(lines) / applied_seconds if applied_seconds else 0,
            **result,
        }

    def tap_links(self, box, opts) -> dict:
        """GET /l/<code> for the seeded links, ``flood_concurrency`` keep-alive connections
        at a time, as a phone's browser asks (no cookies); then count the clicks recorded."""
        from campaigns.services.sandbox import cpu_seconds

        codes_file = box.root / "codes.txt"
        box.manage("benchmark", "--phase", "links", "--recipients", str(min(max(opts["recipients"], 1), 5000)), "--out", str(codes_file))
        codes = codes_file.read_text().split()
        if "web" not in box.procs:
            box.start_web(workers=opts["web_workers"], threads=opts["web_threads"])
        lines = [{"path": f"/l/{codes[i % len(codes)]}"} for i in range(opts["redirects"])]
        web_cpu, own_cpu = cpu_seconds(box.procs["web"].pid), time.process_time()
        started = time.monotonic()
        statuses = asyncio.run(post_all(lines, opts["flood_concurrency"], f"http://127.0.0.1:{box.web_port}"))
        seconds = time.monotonic() - started
        web_cpu, own_cpu = cpu_seconds(box.procs["web"].pid) - web_cpu, time.process_time() - own_cpu
        redirected = sum(1 for s in statuses if s == 302)
        return {
            "taps": len(lines),
            "redirected": redirected,
            "seconds": seconds,
            "rate": redirected / seconds if seconds else 0,
            "web_cpu_ms": 1000 * web_cpu / max(redirected, 1),
            "cores_web": web_cpu / seconds if seconds else 0,
            "cores_client": own_cpu / seconds if seconds else 0,
            **box.manage_json("benchmark", "--phase", "clicks"),
        }

    # --- output -----------------------------------------------------------------------
    def print_send(self, slug: str, f: dict, rss: dict) -> None:
        self.stdout.write(
            f"  {slug}: {f['submitted']} submitted in {f['seconds']:.1f} s = {f['rate']:.0f} msg/s "
            f"(all at the provider after {f['provider_seconds']:.1f} s); "
            f"plain loop {f['ceiling']:.0f} msg/s; ratio {f['ratio']:.2f}; "
            f"cluster peak RSS per process (MB): {', '.join(f'{v:.0f}' for v in sorted(rss.values()))}"
            f"{not_submitted(f['counts'])}"
        )

    def print_intake(self, f: dict) -> None:
        self.stdout.write(
            f"  webhook intake (gunicorn -w {self.web[0]} --threads {self.web[1]}, keep-alive; {self.labels['database']}; {self.labels['broker']}): {f['ok']}/{f['posted']} accepted in {f['accept_seconds']:.1f} s = "
            f"{f['accept_rate']:.0f}/s (gunicorn CPU {f['web_cpu_ms_per_report']:.2f} ms per report: "
            f"{2000 / max(f['web_cpu_ms_per_report'], 0.01):.0f}/s on two free cores; cores busy meanwhile: gunicorn {f['cores_web']:.2f}, "
            f"worker cluster applying {f['cores_cluster']:.2f}, report sender {f['cores_sender']:.2f}); all applied after {f['applied_seconds']:.1f} s; events stored {f['events']}, "
            f"outcomes {f['outcomes']}, messages delivered {f['delivered']}"
        )

    def print_redirects(self, f: dict) -> None:
        self.stdout.write(
            f"  short-link redirects (gunicorn -w {self.web[0]} --threads {self.web[1]}, keep-alive, {self.labels['database']}): {f['redirected']}/{f['taps']} redirected in "
            f"{f['seconds']:.1f} s = {f['rate']:.0f}/s (gunicorn CPU {f['web_cpu_ms']:.2f} ms per redirect: "
            f"{2000 / max(f['web_cpu_ms'], 0.01):.0f}/s on two free cores; cores busy: gunicorn "
            f"{f['cores_web']:.2f}, tapping client {f['cores_client']:.2f}); clicks recorded {f['clicks']} (as bots {f['bots']})"
        )

    def print_summary(self, figures: dict) -> None:
        import os

        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        labels = getattr(self, "labels", {})
        self.stdout.write(
            f"Summary (database {labels.get('database', '?')}; broker {labels.get('broker', '?')}; load average {load}; "
            "targets: bulk ratio >= 0.7 of the ceiling, VT >= 0.9; workers < 300 MB; intake >= 1500/s, 0 lost):"
        )
        for slug, f in figures.items():
            if slug == "redirects":
                self.stdout.write(
                    f"  redirects: {f['rate']:.0f}/s (target >= 2000/s), {f['clicks']} of {f['redirected']} recorded, lost {f['redirected'] - f['clicks']}"
                )
            elif slug == "intake":
                self.stdout.write(
                    f"  intake: {f['accept_rate']:.0f} reports/s accepted, {f['events']} stored, lost {f['posted'] - f['events']}"
                )
            else:
                self.stdout.write(
                    f"  {slug}: {f['rate']:.0f} msg/s ({f['seconds']:.1f} s), ceiling {f['ceiling']:.0f} msg/s, "
                    f"ratio {f['ratio']:.2f}, worker peak {f['peak_rss_mb']:.0f} MB"
                )

    # --- phases (run inside the runtime) -----------------------------------------------
    def phase_seed(self, opts) -> dict:
        from django.contrib.auth import get_user_model

        from campaigns.models import Account, Campaign, Contact, ContactList, ListMembership, Membership, Price, SenderID
        from campaigns.services.ledger import top_up
        from campaigns.services.planner_stats import refresh_after_bulk_write
        from providers.models import ProviderConnection

        n = opts["recipients"]
        account = Account.objects.create(name="Bench", slug="bench")
        user = get_user_model().objects.create_user("bench@bench.test", "bench@bench.test", "bench-pass-123")
        Membership.objects.create(user=user, account=account, role="admin")
        Price.objects.create(account=account, channel="sms", prefix="", unit="segment", amount=Decimal("0.001"))
        top_up(account, Decimal(n) * 10)
        contacts = [Contact(account=account, phone=f"+92300{i:06d}1{i % 10}", first_name=f"C{i}") for i in range(n)]
        Contact.objects.bulk_create(contacts, batch_size=5000)
        contact_list = ContactList.objects.create(account=account, name="Everyone")
        ids = Contact.objects.filter(account=account).values_list("pk", flat=True)
        ListMembership.objects.bulk_create([ListMembership(contact_list=contact_list, contact_id=c) for c in ids], batch_size=5000)
        refresh_after_bulk_write(n)  # as an import of the list does
        out = {}
        for slug in [p for p in opts["providers"].split(",") if p]:
            conn = ProviderConnection(account=account, name=slug, provider=slug, base_url=f"{opts['sim_url']}/{slug}", mps=opts["mps"])
            conn.set_credentials(PROVIDERS[slug])
            conn.save()
            sender = SenderID.objects.create(
                account=account, channel="sms", value=f"BENCH{slug.upper()}"[:11], status="approved", connection=conn
            )
            campaign = Campaign.objects.create(
                account=account,
                name=f"Benchmark {slug}",
                channel="sms",
                connection=conn,
                sender=sender,
                text="Hello {{ first_name }}, this is the benchmark.",
                audience={"lists": [contact_list.pk]},
            )
            out[slug] = campaign.pk
        return out

    def phase_launch(self, opts) -> dict:
        from django_q.brokers import get_broker

        from campaigns.models import Campaign
        from campaigns.services.campaigns import launch
        from providers.registry import backends

        backends()  # loaded, as in a portal that has served a request
        get_broker()  # the task queue's client module too (0.05 s of imports for Redis's)
        campaign = Campaign.objects.get(pk=opts["campaign"])
        called_at = time.time()
        launch(campaign)
        return {"called_at": called_at}

    def phase_counts(self, opts) -> dict:
        from campaigns.models import Campaign
        from campaigns.services.counts import campaign_counts

        campaign = Campaign.objects.get(pk=opts["campaign"])
        finished_at = campaign.finished_at.timestamp() if campaign.finished_at else None
        return {**campaign_counts(campaign), "status": campaign.status, "finished_at": finished_at}

    def phase_ceiling(self, opts) -> dict:
        """The same sends through the backend's HTTP with no database and no engine."""
        import httpx

        from providers.base import Channel, ConnectionConfig, OutboundMessage
        from providers.http import ProviderHTTP
        from providers.registry import backend_class

        slug, n, concurrency = opts["provider"], opts["recipients"], opts["concurrency"]
        cls = backend_class(slug)
        config = ConnectionConfig(id=0, provider=slug, base_url=f"{opts['sim_url']}/{slug}", credentials=PROVIDERS[slug])
        client = httpx.Client(timeout=30, limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency))

        class NoLog(ProviderHTTP):
            def _record(self, *a, **k) -> None:
                return None

        backend = cls(config, NoLog(client, connection_id=None, account_id=None))
        size = cls.bulk_size if cls.bulk_size > 1 else 1
        messages = [
            OutboundMessage(
                id=i, to=f"+92301{i:06d}1{i % 10}", channel=Channel.SMS, sender="BENCH", text=f"Hello C{i}, this is the benchmark."
            )
            for i in range(n)
        ]
        chunks = [messages[i : i + size] for i in range(0, n, size)]
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            if size > 1:
                done = sum(len(r) for r in pool.map(backend.send_batch, chunks))
            else:
                done = sum(1 for _ in pool.map(backend.send_one, messages))
        seconds = time.monotonic() - started
        return {"seconds": seconds, "rate": done / seconds}

    def phase_tick(self, opts) -> dict:
        from campaigns.services.maintenance import tick

        return tick()

    def phase_bodies(self, opts) -> dict:
        """Delivery reports in the provider's own format, made by its simulator."""
        from campaigns.models import Campaign, Message
        from providers.simulator.registry import simulator_classes

        campaign = Campaign.objects.select_related("connection").get(pk=opts["campaign"])
        conn = campaign.connection
        sim = simulator_classes()[conn.provider](lambda slug, value, kind: conn.webhook_url(kind), seed=1, delay=0)
        key = conn.get_credentials()[sim.account_credential]
        rows = Message.objects.filter(campaign=campaign, status="submitted").values_list("to", "sender", "provider_message_id")[
            : opts["recipients"]
        ]
        path = conn.webhook_path()
        with open(opts["out"], "w") as out:
            for to, sender, pid in rows:
                body = sim.report(key, to, sender, pid, "SMS")
                out.write(json.dumps({"path": path, "body": json.dumps(body)}) + "\n")
        return {"written": len(rows)}

    def phase_links(self, opts) -> dict:
        """A delivered campaign of ``--recipients`` messages with one short link each (delivered an hour ago: taps now are people's)."""
        from datetime import timedelta

        from django.utils import timezone

        from campaigns.models import Account, Campaign, Contact, Message, ShortLink
        from campaigns.services.shortener import new_code
        from providers.models import ProviderConnection

        account = Account.objects.get(slug="bench")
        conn = ProviderConnection.objects.filter(account=account).first()
        if conn is None:
            conn = ProviderConnection(account=account, name="links", provider="vt", base_url="http://127.0.0.1:9/vt")
            conn.set_credentials(PROVIDERS["vt"])
            conn.save()
        campaign = Campaign.objects.create(account=account, name="Benchmark links", connection=conn, text="Sale: https://shop.example.com/")
        delivered = timezone.now() - timedelta(hours=1)
        contacts = list(Contact.objects.filter(account=account).values_list("pk", "phone")[: opts["recipients"]])
        messages = Message.objects.bulk_create(
            [
                Message(
                    account=account, campaign=campaign, contact_id=pk, connection=conn, to=phone, status="delivered", delivered_at=delivered
                )
                for pk, phone in contacts
            ],
            batch_size=2000,
        )
        links = [
            ShortLink(
                account=account,
                campaign=campaign,
                message_id=m.pk,
                contact_id=m.contact_id,
                url="https://shop.example.com/",
                code=new_code(),
            )
            for m in Message.objects.filter(campaign=campaign).only("pk", "contact_id")
        ]
        ShortLink.objects.bulk_create(links, batch_size=2000)
        Path(opts["out"]).write_text("\n".join(link.code for link in links))
        return {"links": len(links), "messages": len(messages)}

    def phase_clicks(self, opts) -> dict:
        from campaigns.models import Click

        return {"clicks": Click.objects.filter(is_bot=False).count(), "bots": Click.objects.filter(is_bot=True).count()}

    def phase_intake(self, opts) -> dict:
        from django.db.models import Count

        from campaigns.models import Campaign, Message
        from providers.models import WebhookEvent

        campaign = Campaign.objects.get(pk=opts["campaign"])
        outcomes = dict(WebhookEvent.objects.values_list("outcome").annotate(n=Count("id")))
        return {
            "events": sum(outcomes.values()),
            "received": outcomes.get("received", 0),
            "outcomes": outcomes,
            "delivered": Message.objects.filter(campaign=campaign, status="delivered").count(),
        }


def not_submitted(counts: dict) -> str:
    """The messages that did not end `submitted` (e.g. `unknown` after a timed-out call), by status."""
    others = {k: v for k, v in counts.items() if k not in ("submitted", "total", "status", "finished_at") and v}
    return "; not submitted: " + ", ".join(f"{v} {k}" for k, v in sorted(others.items())) if others else ""


def cluster_name(index: int) -> str:
    return "cluster" if index == 0 else f"cluster{index + 1}"


async def post_all(lines: list[dict], concurrency: int, base: str) -> list[int]:
    """POST every body (GET the path of a line without one), ``concurrency`` at a time, with a bare asyncio HTTP/1.1 client over
    keep-alive connections (as a provider's webhook sender does): the flood must not eat
    the CPU the server under test needs (httpx costs ~10x more)."""
    from urllib.parse import urlsplit

    url = urlsplit(base)
    host, port = url.hostname or "127.0.0.1", url.port or 80
    codes: list[int] = []
    pending = list(reversed(lines))

    async def post(conn: list, line: dict) -> int:
        if not conn:
            conn.extend(await asyncio.open_connection(host, port))
        reader, writer = conn
        body = line.get("body", "").encode()
        if "body" in line:
            head = (
                f"POST {line['path']} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
            ).encode()
        else:  # a GET (a phone tapping a short link)
            head = f"GET {line['path']} HTTP/1.1\r\nHost: {host}:{port}\r\nUser-Agent: {PHONE_AGENT}\r\n\r\n".encode()
        writer.write(head + body)
        await writer.drain()
        status_line = await reader.readline()
        length, closing = 0, False
        while (header := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = header.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "connection" and "close" in value.lower():
                closing = True
        await reader.readexactly(length)
        if closing:
            writer.close()
            conn.clear()
        return int(status_line.split()[1])

    async def worker() -> None:
        conn: list = []
        while pending:
            line = pending.pop()
            for _attempt in range(5):
                try:
                    codes.append(await post(conn, line))
                    break
                except (OSError, IndexError, ValueError, asyncio.IncompleteReadError):
                    if conn:
                        conn[1].close()
                        conn.clear()
                    await asyncio.sleep(0.1)
            else:
                codes.append(0)
        if conn:
            conn[1].close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return codes
