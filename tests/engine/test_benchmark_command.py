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
        timeout=240,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    assert "wavy: 300 submitted" in out and "vt: 300 submitted" in out
    assert "plain loop" in out and "ratio" in out and "peak RSS" in out
    assert "200/200 accepted" in out and "lost 0" in out
    assert "300/300 redirected" in out and "clicks recorded 300 (as bots 0)" in out
