"""Exactly once: kill -9 the worker cluster in the middle of a campaign, start it again:
no destination gets two submissions (the simulator counts them), every message ends
final or `unknown` (never resent). Real processes: simulators, qcluster, SQLite file."""

from __future__ import annotations

import time

import pytest

from campaigns.services.sandbox import Sandbox

# (provider, recipients, throughput cap): VT paced, one message per request; Wavy unpaced,
# 1,000 per request, the next chunk claimed while one is at the provider.
RUNS = [("vt", 1200, 300), ("wavy", 30000, 0)]


def wait_for(predicate, timeout: float, step: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("timed out")


@pytest.mark.slow
@pytest.mark.parametrize(("provider", "N", "mps"), RUNS, ids=[r[0] for r in RUNS])
def test_kill_9_mid_campaign_sends_nobody_twice(tmp_path, provider, N, mps):
    env = {"ENGINE_STALE_CLAIM_SECONDS": "2", "ENGINE_STALL_SECONDS": "2", "PROVIDER_HTTP_TIMEOUT": "5"}
    with Sandbox(tmp_path, env=env) as box:
        box.manage("migrate", "--noinput", "-v", "0")
        box.start_simulators(delay=3600)
        ids = box.manage_json(
            "benchmark", "--phase", "seed", "--recipients", str(N), "--providers", provider, "--sim-url", box.sim_url, "--mps", str(mps)
        )
        campaign = str(ids[provider])
        box.start_cluster(workers=2)
        box.manage("benchmark", "--phase", "launch", "--campaign", campaign)
        wait_for(lambda: box.sim_stats()[provider]["submissions"] >= N // 4, timeout=40)
        box.kill("cluster")  # SIGKILL to the cluster and its workers
        at_kill = box.sim_stats()[provider]["submissions"]
        assert at_kill < N, "the campaign finished before the kill; nothing was tested"
        counts = box.manage_json("benchmark", "--phase", "counts", "--campaign", campaign)
        assert counts["pending"] > 0

        box.start_cluster(workers=2)
        time.sleep(2.5)  # claims of the dead workers are now older than the stale limit
        box.manage_json("benchmark", "--phase", "tick")

        def finished():
            counts = box.manage_json("benchmark", "--phase", "counts", "--campaign", campaign)
            return counts if counts["pending"] + counts["queued"] == 0 else None

        # 22,500 Wavy messages left: ~10 s on an idle machine; CI runs four test processes on two cores.
        counts = wait_for(finished, timeout=120, step=1)
        stats = box.sim_stats()[provider]
        print(f"killed at {at_kill} submissions; final {counts}; simulator {stats}")  # shown with -s
        assert stats["duplicates"] == {}
        assert counts["total"] == N
        # Reconciling through a status query may already have moved some unknown ones on.
        accepted = sum(counts[s] for s in ("submitted", "sent", "delivered", "undelivered", "expired", "rejected"))
        assert accepted + counts["unknown"] + counts["failed"] == N, counts
        # Every accepted message reached the provider once; an unknown one at most once.
        assert accepted <= stats["submissions"] <= accepted + counts["unknown"]
        assert counts["status"] == "completed"
