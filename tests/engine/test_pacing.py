"""A connection's messages-per-second cap holds across threads and processes: slots are
reserved on one shared clock (a locked row, or Redis when REDIS_URL is set)."""

from __future__ import annotations

import itertools
import json
import sys
import time

import pytest

from campaigns.services.pacing import push_back, reserve
from campaigns.services.sandbox import Sandbox


def test_slots_follow_each_other(db, monkeypatch):
    """The clock stands still: a slow first call (opening the Redis connection) does not eat the slot."""
    import uuid

    from campaigns.services import pacing

    monkeypatch.setattr(pacing, "now", time.time().__float__)  # the time this test started, every call
    unit = f"rate:unit:{uuid.uuid4().hex}"  # Redis keeps keys between runs
    assert reserve(unit, 10, 10) == 0.0  # the first second is free
    assert 0.999 < reserve(unit, 10, 10) < 1.001  # Lua formats numbers to 14 digits
    assert 1.999 < reserve(unit, 5, 10) < 2.001
    assert reserve(f"{unit}:uncapped", 5, 0) == 0.0  # no cap, nothing pushed back
    assert reserve(f"{unit}:other", 1, 10) == 0.0  # keys are independent


def test_a_wall_clock_step_opens_no_burst(db, monkeypatch):
    """A virtual machine's wall clock jumps 0.8 s ahead between two reservations while no
    time passes on the monotonic clock: the second chunk still waits for its own slot."""
    import types

    from campaigns.services import pacing

    clock = {"wall": 2_000_000_000.0, "mono": 500.0}
    monkeypatch.setattr(pacing, "time", types.SimpleNamespace(time=lambda: clock["wall"], monotonic=lambda: clock["mono"]))
    monkeypatch.setattr(pacing, "_offset", None)
    assert reserve("rate:stepped", 10, 10) == 0.0
    clock["wall"] += 0.8
    assert 0.99 < reserve("rate:stepped", 10, 10) <= 1.0
    clock["wall"] += 3600  # an operator sets the clock: followed, no wait an hour long
    assert reserve("rate:stepped", 10, 10) == 0.0


def test_429_pushes_every_sender_back(db):
    push_back("rate:pushed", 3)
    assert 2.5 < reserve("rate:pushed", 1, 100) <= 3.0


WORKER = """
import json, time
from campaigns.services.pacing import reserve
stamps = []
for _ in range({chunks}):
    wait = reserve("rate:conn:shared", {size}, {rate})
    time.sleep(wait)
    stamps.append(time.time())
print(json.dumps(stamps))
"""


@pytest.mark.slow
def test_cap_holds_across_processes(tmp_path):
    """Three processes send 10 chunks of 5 under a 50/s cap: 150 messages can not take
    less than ~2.7 s, and no one-second window holds more than the cap plus one chunk."""
    rate, size, chunks, procs = 50, 5, 10, 3
    with Sandbox(tmp_path) as box:
        box.manage("migrate", "--noinput", "-v", "0")
        script = WORKER.format(chunks=chunks, size=size, rate=rate)
        workers = [box.start(f"w{i}", [sys.executable, "manage.py", "shell", "-c", script]) for i in range(procs)]
        for proc in workers:
            assert proc.wait(timeout=60) == 0
        stamps = sorted(s for i in range(procs) for s in json.loads((tmp_path / f"w{i}.log").read_text().strip().splitlines()[-1]))
    assert len(stamps) == chunks * procs
    sent = size * len(stamps)
    assert stamps[-1] - stamps[0] >= (sent - size) / rate * 0.95
    worst = max(sum(size for s in stamps if start <= s < start + 1.0) for start in stamps)
    assert worst <= rate + size, worst


def test_threads_share_the_cap(transactional_db, monkeypatch):
    """Threads of one process (PostgreSQL: row lock; SQLite: one writer at a time).

    The clock stands still, so each wait is exactly its slot's distance: a busy machine's
    scheduling delays between calls cannot make two distinct slots look alike."""
    import threading

    from django.db import connection

    from campaigns.services import pacing

    monkeypatch.setattr(pacing, "now", lambda: 1_000_000.0)

    waits: list[float] = []
    lock = threading.Lock()

    def work() -> None:
        try:
            for _ in range(5):
                wait = reserve("rate:threads", 10, 100)
                with lock:
                    waits.append(wait)
        finally:
            connection.close()

    if connection.vendor == "sqlite":  # the shared in-memory test database does not take concurrent writers
        for _ in range(4):
            work()
    else:
        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    waits.sort()
    assert len(waits) == 20
    # 20 reservations of 0.1 s each: every slot distinct, the last one ~1.9 s away.
    assert all(b - a > 0.09 for a, b in itertools.pairwise(waits))
    assert waits[-1] > 1.8


def test_pipeline_paces_a_campaign(fake_provider, engine_world, settings):
    """With mps=40, 120 messages take about 3 s (40 go at once, then 40 per second)."""
    from campaigns.services.campaigns import launch
    from tests.engine.conftest import add_contacts, make_campaign, numbers

    conn, sim = fake_provider
    conn.mps = 40
    conn.save()
    engine_world.sender.connection = conn
    engine_world.sender.save()
    campaign = make_campaign(engine_world, add_contacts(engine_world.account, numbers(120)), connection=conn, text="Hi")
    started = time.monotonic()
    launch(campaign)
    assert sim.stats()["submissions"] == 120
    assert 1.8 < time.monotonic() - started < 10
