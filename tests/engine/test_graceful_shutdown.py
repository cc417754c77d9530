"""Stopping the stack as `make run` runs it (the Procfile under honcho) while a campaign
sends: the worker gives back what it claimed but did not send, stops within honcho's grace
period, the runner exits 0, and nothing is left `queued` (later `unknown`) or sent twice.
After a restart the campaign finishes with every message sent exactly once.

Real processes on 127.0.0.1 only (simulators, the runner and its worker), each in its own
session, stopped by PID; every wait is bounded."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from campaigns.services.sandbox import Sandbox
from portal.procfile import exit_code

N = 1500
MPS = 150  # ten seconds of sending: the stop lands mid-campaign
STATUS_QUERY = (
    "import json; from django.db.models import Count; from campaigns.models import Message; "
    "print(json.dumps(dict(Message.objects.values_list('status').annotate(n=Count('id')))))"
)


def statuses(box: Sandbox) -> dict[str, int]:
    return json.loads(box.manage("shell", "-c", STATUS_QUERY).strip().splitlines()[-1])


def wait_for(predicate, timeout: float, step: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return None


def start_stack(box: Sandbox, name: str) -> subprocess.Popen:
    procfile = box.root / "Procfile"
    procfile.write_text(f"worker: {sys.executable} manage.py run_worker\n")
    return box.start(name, [sys.executable, "-m", "portal.procfile", str(procfile)], env={"Q_WORKERS": "2", "ENGINE_STALL_SECONDS": "2"})


def test_the_runner_exits_0_only_after_a_clean_stop():
    assert exit_code(130, [0, -signal.SIGTERM]) == 0
    assert exit_code(143, [0, 0]) == 0
    assert exit_code(143, [0, -signal.SIGKILL]) == 143  # someone had to be killed
    assert exit_code(1, [1, 0]) == 1  # a process died by itself: not a clean stop


@pytest.mark.slow
@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_stopping_the_stack_mid_campaign_loses_nothing(tmp_path, stop_signal):
    with Sandbox(tmp_path) as box:
        box.manage("migrate", "--noinput", "-v", "0")
        box.start_simulators(delay=0.2)
        seed = ["--phase", "seed", "--recipients", str(N), "--providers", "vt", "--sim-url", box.sim_url, "--mps", str(MPS)]
        campaign = str(box.manage_json("benchmark", *seed)["vt"])
        stack = start_stack(box, "stack")
        box.manage("benchmark", "--phase", "launch", "--campaign", campaign)
        assert wait_for(lambda: statuses(box).get("submitted", 0) + statuses(box).get("delivered", 0) >= 200, timeout=60)

        os.kill(stack.pid, stop_signal)  # Ctrl-C (the terminal's SIGINT) or make's SIGTERM
        stopped_at = time.monotonic()
        code = stack.wait(timeout=20)
        took = time.monotonic() - stopped_at
        log = (box.root / "stack.log").read_text(errors="replace")
        assert code == 0, log[-3000:]
        assert took < 5.0, f"took {took:.1f} s (honcho kills after 5 s)\n{log[-3000:]}"
        assert "SIGKILL" not in log and "did not stop" not in log

        after_stop = statuses(box)
        assert after_stop.get("queued", 0) == 0 and after_stop.get("unknown", 0) == 0, after_stop
        assert after_stop.get("pending", 0) > 0, after_stop  # it really was stopped mid-campaign

        stack = start_stack(box, "stack-again")  # the tick picks the campaign up again
        final = wait_for(lambda: (s := statuses(box)) and s.get("pending", 0) + s.get("queued", 0) == 0 and s, timeout=120, step=1)
        assert final, statuses(box)
        assert final.get("unknown", 0) == 0 and final.get("failed", 0) == 0, final
        assert sum(final.values()) == N
        stats = box.sim_stats()["vt"]
        assert stats["duplicates"] == {}, stats["duplicates"]


@pytest.fixture
def stopping():
    from campaigns.services import shutdown

    shutdown.request()
    yield
    shutdown.reset()


def test_a_stopping_worker_gives_back_what_it_claimed_and_sends_nothing(engine_world, stopping):
    from campaigns.models import Message
    from campaigns.services.counts import campaign_counts
    from campaigns.services.pipeline import Call, run_batch
    from providers.registry import backend_for
    from tests.engine.conftest import make_campaign

    campaign = make_campaign(engine_world, status="running")
    ids = [
        Message.objects.create(
            account=engine_world.account, campaign=campaign, connection=engine_world.connection, to=f"+92300123450{i}"
        ).pk
        for i in range(3)
    ]
    before = campaign_counts(campaign)
    call = Call.claim_range(backend_for(campaign.connection), campaign, ids[0], ids[-1], 10)
    assert sorted(call.won) == ids and set(Message.objects.values_list("status", flat=True)) == {"queued"}
    call.send_in(None)  # the stop came between the claim and the provider call
    assert call.won == [] and call.finish().attempted == 0
    assert set(Message.objects.values_list("status", flat=True)) == {"pending"}
    assert campaign_counts(campaign) == before  # the claim's count deltas are undone too
    assert run_batch(campaign.pk, ids[0], ids[-1]) == 0  # a task that starts while stopping claims nothing
    assert set(Message.objects.values_list("status", flat=True)) == {"pending"}
