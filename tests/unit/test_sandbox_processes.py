"""A run that waits on the sandbox's processes stops with the reason when one has died."""

from __future__ import annotations

import sys

import pytest

from campaigns.services.sandbox import Sandbox


def test_a_dead_process_is_reported_with_the_end_of_its_log(tmp_path):
    with Sandbox(tmp_path) as box:
        box.start("cluster", [sys.executable, "-c", "import sys; print('cannot import portal.missing'); sys.exit(3)"])
        box.procs["cluster"].wait(timeout=30)
        with pytest.raises(RuntimeError, match=r"(?s)cluster exited with code 3.*cannot import portal.missing"):
            box.ensure_running()


def test_running_processes_pass(tmp_path):
    with Sandbox(tmp_path) as box:
        box.start("sleeper", [sys.executable, "-c", "import time; time.sleep(30)"])
        box.ensure_running()
        box.ensure_running("sleeper")
