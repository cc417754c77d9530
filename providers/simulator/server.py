"""One ASGI app serving every provider simulator under /<slug>/, plus /_sim/ controls.

Webhooks a simulator queues are posted by this process a moment later, with retries,
through one async httpx client (bounded concurrency)."""

from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from providers.simulator.base import OutgoingWebhook, ProviderSimulator, SimRequest, SimResponse

log = logging.getLogger("simulator")
MAX_BODY = 10 * 1024 * 1024


class SimulatorApp:
    def __init__(self, simulators: dict[str, ProviderSimulator], *, webhook_concurrency: int = 64, webhook_attempts: int = 8) -> None:
        self.simulators = simulators
        self.webhook_concurrency = webhook_concurrency
        self.webhook_attempts = webhook_attempts
        self.client: httpx.AsyncClient | None = None
        self.semaphore: asyncio.Semaphore | None = None
        self.webhooks_sent = 0
        self.webhooks_failed = 0
        self.pending: set[asyncio.Task] = set()
        self.executor = ThreadPoolExecutor(max_workers=8, thread_name_prefix="sim")

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        body = await self._read_body(receive)
        # Handlers may look up webhook URLs in the database (sync ORM): run them off the loop.
        loop = asyncio.get_running_loop()
        response, webhooks = await loop.run_in_executor(self.executor, self.dispatch, scope, body)
        for webhook in webhooks:
            self._schedule(webhook)
        headers = [(b"content-type", response.content_type.encode()), (b"content-length", str(len(response.body)).encode())]
        headers += [(k.lower().encode(), v.encode()) for k, v in response.headers.items()]
        await send({"type": "http.response.start", "status": response.status, "headers": headers})
        await send({"type": "http.response.body", "body": response.body})

    async def _lifespan(self, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await self.startup()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.shutdown()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def startup(self) -> None:
        limits = httpx.Limits(max_connections=self.webhook_concurrency, max_keepalive_connections=self.webhook_concurrency)
        self.client = httpx.AsyncClient(timeout=10, limits=limits)
        self.semaphore = asyncio.Semaphore(self.webhook_concurrency)

    async def shutdown(self) -> None:
        if self.client is not None:
            await self.client.aclose()
        self.executor.shutdown(wait=False)

    @staticmethod
    async def _read_body(receive: Any) -> bytes:
        chunks, size = [], 0
        while True:
            message = await receive()
            chunk = message.get("body", b"")
            size += len(chunk)
            if size <= MAX_BODY:
                chunks.append(chunk)
            if not message.get("more_body"):
                return b"".join(chunks)

    def dispatch(self, scope: dict[str, Any], body: bytes) -> tuple[SimResponse, list[OutgoingWebhook]]:
        """Answer one request; returns the response and the webhooks it queued."""
        path: str = scope["path"]
        slug, _, rest = path.lstrip("/").partition("/")
        if slug == "_sim":
            return self._control(rest, scope["method"]), []
        simulator = self.simulators.get(slug)
        if simulator is None:
            return SimResponse.json({"error": f"no simulator at /{slug}/"}, status=404), []
        from urllib.parse import parse_qsl

        request = SimRequest(
            method=scope["method"],
            path="/" + rest,
            query=dict(parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)),
            headers={k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])},
            body=body,
        )
        simulator.requests += 1
        try:
            response = simulator.handle(request)
        except Exception:  # a simulator bug must not kill the server
            log.exception("simulator %s failed on %s %s", slug, request.method, request.path)
            response = SimResponse.json({"error": "simulator error"}, status=500)
        return response, simulator.drain()

    def _control(self, rest: str, method: str) -> SimResponse:
        if rest.startswith("stats"):
            data = {slug: sim.stats() for slug, sim in self.simulators.items()}
            data["_webhooks"] = {"sent": self.webhooks_sent, "failed": self.webhooks_failed, "pending": len(self.pending)}
            return SimResponse.json(data)
        if rest.startswith("reset") and method == "POST":
            for sim in self.simulators.values():
                sim.reset()
            self.webhooks_sent = self.webhooks_failed = 0
            return SimResponse.json({"reset": True})
        if rest.startswith("health"):
            return SimResponse.json({"ok": True, "providers": sorted(self.simulators)})
        return SimResponse.json({"error": "unknown control"}, status=404)

    def _schedule(self, webhook: OutgoingWebhook) -> None:
        task = asyncio.get_running_loop().create_task(self._deliver(webhook))
        self.pending.add(task)
        task.add_done_callback(self.pending.discard)

    async def _deliver(self, webhook: OutgoingWebhook) -> None:
        await asyncio.sleep(webhook.delay)
        assert self.client is not None and self.semaphore is not None
        backoff = 0.5
        for _attempt in range(self.webhook_attempts):
            async with self.semaphore:
                try:
                    response = await self.client.request(
                        webhook.method, webhook.url, content=webhook.body, headers={"content-type": webhook.content_type}
                    )
                    if response.status_code < 500:
                        self.webhooks_sent += 1
                        return
                except httpx.HTTPError as exc:
                    log.debug("webhook to %s failed: %s", webhook.url, exc)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 10)
        self.webhooks_failed += 1
        log.warning("gave up posting a webhook to %s", webhook.url)


def db_webhook_resolver(site_url: str, ttl: float = 3.0):
    """Find the connection whose credential has this value, and return its webhook URL.

    Reads ProviderConnection through the ORM (the simulator runs as a manage.py
    command), cached for ``ttl`` seconds so a new connection is found quickly."""
    from providers.models import ProviderConnection
    from providers.simulator.registry import simulator_classes

    classes = simulator_classes()
    cache: dict[str, Any] = {"at": 0.0, "map": {}}

    def refresh() -> None:
        mapping: dict[tuple[str, str], str] = {}
        for conn in ProviderConnection.objects.filter(is_active=True):
            sim_cls = classes.get(conn.provider)
            if sim_cls is None:
                continue
            try:
                value = conn.get_credentials().get(sim_cls.account_credential, "")
            except Exception:  # undecryptable credentials: skip that connection
                continue
            if value:
                mapping[(conn.provider, value)] = site_url + conn.webhook_path()
        cache["map"], cache["at"] = mapping, time.monotonic()

    def resolve(slug: str, value: str, kind: str = "") -> str | None:
        age = time.monotonic() - cache["at"]
        if age > ttl or ((slug, value) not in cache["map"] and age > 0.5):
            refresh()
        base = cache["map"].get((slug, value))
        if base is None:
            return None
        return f"{base}{kind}/" if kind else base

    return resolve
