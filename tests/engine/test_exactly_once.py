"""Exactly once: kill -9 the worker cluster in the middle of a campaign, start it again:
no destination gets two submissions (the simulator counts them), every message ends
final or `unknown` (never resent). Real processes: simulators, qcluster, SQLite file."""

from __future__ import annotations

import time

import pytest

from campaigns.services.sandbox import Sandbox

N = 1200


def wait_for(predicate, timeout: float, step: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("timed out")


@pytest.mark.slow
def test_kill_9_mid_campaign_sends_nobody_twice(tmp_path):
    env = {"ENGINE_STALE_CLAIM_SECONDS": "2", "ENGINE_STALL_SECONDS": "2", "PROVIDER_HTTP_TIMEOUT": "5"}
    with Sandbox(tmp_path, env=env) as box:
        box.manage("migrate", "--noinput", "-v", "0")
        box.start_simulators(delay=3600)
        ids = box.manage_json(
            "benchmark", "--phase", "seed", "--recipients", str(N), "--providers", "vt", "--sim-url", box.sim_url, "--mps", "300"
        )
        campaign = str(ids["vt"])
        box.start_cluster(workers=2)
        box.manage("benchmark", "--phase", "launch", "--campaign", campaign)
        wait_for(lambda: box.sim_stats()["vt"]["submissions"] >= N // 4, timeout=40)
        box.kill("cluster")  # SIGKILL to the cluster and its workers
        at_kill = box.sim_stats()["vt"]["submissions"]
        assert at_kill < N, "the campaign finished before the kill; nothing was tested"
        counts = box.manage_json("benchmark", "--phase", "counts", "--campaign", campaign)
        assert counts["pending"] > 0

        box.start_cluster(workers=2)
        time.sleep(2.5)  # claims of the dead workers are now older than the stale limit
        box.manage_json("benchmark", "--phase", "tick")

        def finished():
            counts = box.manage_json("benchmark", "--phase", "counts", "--campaign", campaign)
            return counts if counts["pending"] + counts["queued"] == 0 else None

        counts = wait_for(finished, timeout=45, step=1)
        stats = box.sim_stats()["vt"]
        print(f"killed at {at_kill} submissions; final {counts}; simulator {stats}")  # shown with -s
        assert stats["duplicates"] == {}
        assert counts["total"] == N
        assert counts["submitted"] + counts["unknown"] + counts["failed"] == N, counts
        # Every submitted message reached the provider once; an unknown one at most once.
        assert counts["submitted"] <= stats["submissions"] <= counts["submitted"] + counts["unknown"]
        assert counts["status"] == "completed"
