"""The whole path with real processes: simulators server, gunicorn, a django-q2 cluster.
A campaign is launched; the simulator's delivery reports come back over HTTP to the
webhook intake and the counts reach their final values."""

from __future__ import annotations

import time

import pytest

from campaigns.services.sandbox import Sandbox

N = 300


@pytest.mark.slow
def test_campaign_counts_reach_final_values_through_real_webhooks(tmp_path):
    with Sandbox(tmp_path) as box:
        box.manage("migrate", "--noinput", "-v", "0")
        box.start_web(workers=2)
        box.start_simulators(delay=0.3)
        ids = box.manage_json("benchmark", "--phase", "seed", "--recipients", str(N), "--providers", "vt", "--sim-url", box.sim_url)
        box.start_cluster(workers=2)
        box.manage("benchmark", "--phase", "launch", "--campaign", str(ids["vt"]))
        deadline = time.monotonic() + 60
        counts = {}
        while time.monotonic() < deadline:
            counts = box.manage_json("benchmark", "--phase", "counts", "--campaign", str(ids["vt"]))
            if counts["delivered"] == N:
                break
            time.sleep(1)
        assert counts["delivered"] == N, {k: v for k, v in counts.items() if v}
        assert counts["status"] == "completed"
        intake = box.manage_json("benchmark", "--phase", "intake", "--campaign", str(ids["vt"]))
        assert intake["events"] == N and intake["outcomes"] == {"applied": N}
        assert box.sim_stats()["vt"]["duplicates"] == {}
