"""python manage.py run_worker: the django-q2 cluster, stopped gracefully.

honcho (and systemd, docker, ...) stop a process by signalling its whole process group.
django-q2's own processes die on SIGTERM at once (its workers mid-task, leaving claimed
messages `queued`, later `unknown`), so the cluster runs in a session of its own under this
small supervisor. On SIGTERM or SIGINT the supervisor
  1. sends SIGUSR1 to every cluster process: batch tasks stop claiming, give back what they
     claimed but did not send, and return (campaigns.services.shutdown);
  2. sends SIGTERM to the cluster's main process only: django-q2 stops its pusher and lets
     each worker finish its current task;
  3. waits up to --grace seconds (below honcho's 5 s), then kills what is left.
It exits 0 when the cluster stopped in time."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from campaigns.services import shutdown
from portal.gc_tuning import freeze_loaded

GRACE_SECONDS = 4.0


class Command(BaseCommand):
    help = "Run the task cluster (qcluster); SIGTERM/SIGINT stop it gracefully within --grace seconds."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--grace", type=float, default=GRACE_SECONDS, help="Seconds the cluster gets to stop.")
        parser.add_argument("--cluster", action="store_true", help="Internal: be the cluster itself.")

    def handle(self, *args, grace: float, cluster: bool, **options) -> None:
        if cluster:
            run_cluster()
            return
        code = supervise(grace)
        if code:
            sys.exit(code)


def run_cluster() -> None:
    """qcluster, minus its slow exit: django-q2 leaves its main process to wait for the
    cluster in the interpreter's shutdown, which then took 1.5-3 s more after the cluster had
    stopped. Here it waits in a loop and leaves at once when the cluster is down."""
    from django.db import connections
    from django_q.cluster import Cluster

    shutdown.install()  # before the cluster forks: every process inherits the handler
    load_task_code()
    freeze_loaded()
    cluster = Cluster()
    cluster.start()
    while cluster.sentinel.is_alive():
        cluster.sentinel.join(0.2)
    connections.close_all()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def load_task_code() -> None:
    """Import the engine and every provider backend before the cluster forks its workers,
    so each worker inherits them: otherwise a fresh worker (at start, and after each
    recycle) pays 0.1-0.2 s of imports inside its first task, a campaign's first page or
    first provider call included."""
    import campaigns.tasks  # noqa: F401
    from campaigns.services import materialize, pipeline  # noqa: F401
    from providers.intake import apply_received  # noqa: F401
    from providers.registry import backends

    backends()


def supervise(grace: float) -> int:
    command = [sys.executable, str(settings.BASE_DIR / "manage.py"), "run_worker", "--cluster"]
    child = subprocess.Popen(command, start_new_session=True)
    asked: list[float] = []

    def stop(signum: int, frame: object) -> None:
        if asked:
            return
        asked.append(time.monotonic())
        _signal_group(child.pid, shutdown.STOP_SIGNAL)
        _signal_process(child.pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while True:
        try:
            code = child.wait(timeout=0.2)
            break
        except subprocess.TimeoutExpired:
            if asked and time.monotonic() - asked[0] > grace:
                sys.stderr.write(f"worker: the cluster did not stop within {grace:g} s; killing it\n")
                _signal_group(child.pid, signal.SIGKILL)
                return 1
    _signal_group(child.pid, signal.SIGKILL)  # a straggler of the cluster's group, if any
    return 0 if asked and code in (0, -signal.SIGTERM) else code


def _signal_group(pgid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)


def _signal_process(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signum)
