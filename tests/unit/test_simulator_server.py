"""The simulators' HTTP host: answers under /<slug>/, posts webhooks found in the DB."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
import uvicorn

from providers.simulator.registry import simulator_classes
from providers.simulator.server import SimulatorApp, db_webhook_resolver
from tests.conftest import make_connection


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Receiver(BaseHTTPRequestHandler):
    received: list[tuple[str, bytes]] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        Receiver.received.append((self.path, body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def portal_stub():
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Receiver)
    Receiver.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def simulator_server(portal_stub, transactional_db):
    resolver = db_webhook_resolver(portal_stub, ttl=0.1)
    sims = {slug: cls(resolver, seed=1, delay=0.05) for slug, cls in simulator_classes().items()}
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(SimulatorApp(sims), host="127.0.0.1", port=port, log_level="error", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_health_lists_every_provider(simulator_server):
    data = httpx.get(f"{simulator_server}/_sim/health").json()
    assert data["providers"] == sorted(simulator_classes())


def test_unknown_provider_prefix_is_404(simulator_server):
    assert httpx.get(f"{simulator_server}/nope/x").status_code == 404


def test_vt_send_posts_a_delivery_report_to_the_connections_webhook(simulator_server, world):
    conn = make_connection(world.account, "vt", base_url=f"{simulator_server}/vt", credentials={"apikey": "live-key"})
    reply = httpx.post(
        f"{simulator_server}/vt/v3/sendsms",
        json={"apikey": "live-key", "receivernum": "+923001234515", "sendernum": "ACME", "textmessage": "hi"},
    )
    assert reply.status_code == 200
    assert reply.json()["STATUS"] == "SUCCESSFUL"
    deadline = time.monotonic() + 10
    while not Receiver.received and time.monotonic() < deadline:
        time.sleep(0.05)
    assert Receiver.received, "no webhook reached the portal stub"
    path, body = Receiver.received[0]
    assert path == conn.webhook_path()
    assert json.loads(body)["MESSAGE_ID"] == reply.json()["MESSAGE_ID"]
    stats = httpx.get(f"{simulator_server}/_sim/stats").json()
    assert stats["vt"]["submissions"] == 1
    assert stats["vt"]["duplicates"] == {}
