"""Scale out: two qcluster processes on PostgreSQL + Redis share one campaign under the
connection's messages-per-second cap; kill -9 of one of them mid-campaign sends nobody
twice, and every recipient ends submitted once, or `unknown` only if the provider never
got it (what the provider got and reported is adopted and charged). Real processes: a
PostgreSQL and a Redis (DATABASE_URL/REDIS_URL in CI's PostgreSQL pass, else private ones
from the Debian packages), simulators posting delivery reports, gunicorn, two clusters."""

from __future__ import annotations

import contextlib
import time

import pytest

from campaigns.services.private_services import start_services
from campaigns.services.sandbox import Sandbox

N, MPS = 3000, 400


def wait_for(predicate, timeout: float, step: float = 0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("timed out")


@pytest.mark.slow
def test_two_clusters_share_a_campaign_and_kill_9_of_one_sends_nobody_twice(tmp_path):
    try:
        run_two_clusters(tmp_path)
    except AssertionError:
        for log in sorted((tmp_path / "box").glob("cluster*.log")):  # shown when the test fails
            print(f"--- {log.name}\n" + "\n".join(log.read_text().splitlines()[-60:]))
        raise


def run_two_clusters(tmp_path) -> None:
    with contextlib.ExitStack() as stack:
        env, labels = start_services(tmp_path / "services", stack, database="postgres", broker="redis")
        # Ranges of 300: ten batch tasks, so both clusters get some.
        env.update(ENGINE_STALE_CLAIM_SECONDS="3", ENGINE_STALL_SECONDS="3", PROVIDER_HTTP_TIMEOUT="5", ENGINE_TASK_SPAN="300")
        box = stack.enter_context(Sandbox(tmp_path / "box", env=env))
        box.manage("migrate", "--noinput", "-v", "0")
        box.start_simulators(delay=0.5)  # delivery reports come back half a second after each send
        box.start_web(workers=1)
        ids = box.manage_json(
            "benchmark", "--phase", "seed", "--recipients", str(N), "--providers", "vt", "--sim-url", box.sim_url, "--mps", str(MPS)
        )
        campaign = str(ids["vt"])
        for name in ("cluster", "cluster2"):
            box.start_cluster(name, workers=2, env={"LOG_LEVEL": "INFO"})  # django-q2 logs each task it runs
        time.sleep(1)

        def submissions() -> int:
            return box.sim_stats()["vt"]["submissions"]

        box.manage("benchmark", "--phase", "launch", "--campaign", campaign)
        first = wait_for(lambda: (time.monotonic(), submissions()) if submissions() > 0 else None, timeout=60)
        at_kill = wait_for(lambda: (time.monotonic(), submissions()) if submissions() >= N * 0.4 else None, timeout=60)
        box.kill("cluster")  # SIGKILL to one cluster and its workers; the other goes on
        for name in ("cluster", "cluster2"):
            assert "campaigns.tasks.run_batch" in (box.root / f"{name}.log").read_text(), f"{name} ran no batch"
        # Both clusters drew on one cap (a Redis slot clock): never faster than it, bar one chunk each.
        rate = (at_kill[1] - first[1]) / (at_kill[0] - first[0])
        assert rate <= MPS * 1.1 + 16, f"{rate:.0f} msg/s over a cap of {MPS}"
        assert at_kill[1] < N, "the campaign finished before the kill; nothing was tested"
        wait_for(lambda: submissions() > at_kill[1] + 200, timeout=30)  # the survivor carries on alone

        restarted = time.monotonic()
        box.start_cluster("cluster", workers=2, env={"LOG_LEVEL": "INFO"})

        def dead_claims_settled():
            counts = box.manage_json("benchmark", "--phase", "counts", "--campaign", campaign)
            return counts if counts["queued"] == 0 else None

        wait_for(dead_claims_settled, timeout=90, step=1)  # nothing claimed is left hanging
        recovered_seconds = time.monotonic() - restarted

        def settled():
            counts = box.manage_json("benchmark", "--phase", "counts", "--campaign", campaign)
            open_ = counts["pending"] + counts["queued"] + counts["submitted"]
            return counts if open_ == 0 and counts["status"] == "completed" else None

        counts = wait_for(settled, timeout=90, step=1)
        settle_seconds = time.monotonic() - restarted
        for name in ("cluster", "cluster2"):
            box.kill(name)  # at once: a graceful stop of idle clusters only costs the test time
        stats = box.sim_stats()["vt"]
        print(
            f"{labels}; killed at {at_kill[1]}; claims settled {recovered_seconds:.0f} s and campaign {settle_seconds:.0f} s after the restart; {counts}; simulator {stats}"
        )
        assert stats["duplicates"] == {}
        assert counts["total"] == N
        accepted = sum(counts[s] for s in ("submitted", "sent", "delivered", "undelivered", "expired", "rejected"))
        # Every message the provider got was submitted once and is known as accepted (its
        # report adopted it where the worker died before recording); only the ones that
        # never reached the provider stay `unknown`.
        assert accepted == stats["submissions"]
        assert accepted + counts["unknown"] + counts["failed"] == N, counts
        assert counts["unknown"] <= 2 * 2 * 32  # per worker of the killed cluster: one chunk at VT, one being recorded
        assert recovered_seconds < 60
