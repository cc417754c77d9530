"""`manage.py benchmark` runs end to end on a small campaign and prints its figures."""

from __future__ import annotations

import subprocess
import sys

import pytest

from campaigns.services.sandbox import BASE_DIR


@pytest.mark.slow
def test_benchmark_small_run_prints_figures():
    result = subprocess.run(
        [sys.executable, "manage.py", "benchmark", "--recipients", "300", "--flood", "200", "--redirects", "300", "--timeout", "90"],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=420,  # the redirect phase adds a web start and two helper commands
    )
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    assert "wavy: 300 submitted" in out and "vt: 300 submitted" in out
    assert "plain loop" in out and "ratio" in out and "peak RSS" in out
    assert "200/200 accepted" in out and "lost 0" in out
    assert "300/300 redirected" in out and "clicks recorded 300 (as bots 0)" in out
    assert "not submitted" not in out  # every message went out; else the line says which status held it


def test_messages_that_did_not_go_out_are_named_by_status():
    from campaigns.management.commands.benchmark import not_submitted

    counts = {"submitted": 19999, "unknown": 1, "failed": 0, "total": 20000, "status": "completed", "finished_at": 1.0}
    assert not_submitted(counts) == "; not submitted: 1 unknown"
    assert not_submitted({"submitted": 5, "total": 5}) == ""
