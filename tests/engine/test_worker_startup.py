"""The cluster loads the engine and the provider backends, and sets the collector up,
before it forks its workers: each worker starts warm and collects rarely."""

from __future__ import annotations

import json
import subprocess
import sys

from django.conf import settings

PROBE = """
import gc, json, sys
from campaigns.management.commands import run_worker
before = sorted(m for m in sys.modules if m.startswith("providers.") and m.endswith(".backend"))
run_worker.load_task_code()
from portal.gc_tuning import freeze_loaded
freeze_loaded()
print(json.dumps({
    "before": before,
    "after": sorted(m for m in sys.modules if m.startswith("providers.") and m.endswith(".backend")),
    "pipeline": "campaigns.services.pipeline" in sys.modules,
    "threshold": gc.get_threshold()[0],
    "frozen": gc.get_freeze_count(),
}))
"""


def test_the_cluster_process_is_warm_and_collects_rarely_before_it_forks():
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", PROBE], cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=120, check=True
    ).stdout
    found = json.loads(out.strip().splitlines()[-1])
    assert found["before"] == []  # nothing loaded them already: the probe measures load_task_code
    assert len(found["after"]) == len(settings.PROVIDER_BACKENDS)
    assert found["pipeline"]
    from portal.gc_tuning import GC_THRESHOLD

    assert found["threshold"] == GC_THRESHOLD > 700
    assert found["frozen"] > 10_000  # Django and the engine, out of every collection's walk
