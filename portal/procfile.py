"""python -m portal.procfile [Procfile] [name=count ...]: what `make run` runs (e.g.
`worker=2` runs two of the worker process). honcho starts the Procfile's
processes and stops them all on Ctrl-C or SIGTERM (SIGTERM to each process group, SIGKILL
after 5 s); it then exits 130 or 143, which make reports as "Error 143" even when everything
stopped cleanly. This runs honcho's own manager and exits 0 when a signal asked for the stop
and every process ended by itself in time; otherwise with honcho's code."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from honcho.environ import expand_processes, parse_procfile
from honcho.manager import Manager
from honcho.printer import Printer

STOPPED_BY_SIGNAL = {130, 143}  # honcho's codes for SIGINT and SIGTERM
CLEAN_ENDS = {0, -signal.SIGTERM, -signal.SIGINT, 128 + signal.SIGTERM, 128 + signal.SIGINT}


def run(procfile: Path, concurrency: dict[str, int] | None = None) -> int:
    manager = Manager(Printer(sys.stdout))
    processes = parse_procfile(procfile.read_text()).processes
    for process in expand_processes(processes, concurrency=concurrency or {}):
        env = os.environ.copy()
        env.update(process.env)
        manager.add_process(process.name, process.cmd, quiet=process.quiet, env=env)
    manager.loop()
    return exit_code(manager.returncode, [p.get("returncode") for p in manager._processes.values()])


def exit_code(manager_code: int | None, process_codes: list[int | None]) -> int:
    if manager_code in STOPPED_BY_SIGNAL and all(code in CLEAN_ENDS for code in process_codes):
        return 0
    return manager_code or 0


def parse_concurrency(args: list[str]) -> dict[str, int]:
    """["worker=2"] -> {"worker": 2}."""
    counts = {}
    for arg in args:
        name, _, count = arg.partition("=")
        counts[name] = int(count)
    return counts


if __name__ == "__main__":
    sys.exit(run(Path(sys.argv[1] if len(sys.argv) > 1 else "Procfile"), parse_concurrency(sys.argv[2:])))
