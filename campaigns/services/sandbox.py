"""A throwaway portal runtime for the benchmark and the crash tests: its own SQLite file,
and the processes it needs (simulators, a django-q2 cluster, gunicorn), all on 127.0.0.1,
each started in its own session so it can be stopped (or killed -9) by its PID."""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DROP_ENV = ("DATABASE_URL", "REDIS_URL", "Q_SYNC", "DJANGO_SETTINGS_MODULE", "SQLITE_PATH", "SITE_URL", "PORT")


def free_port() -> int:
    """A port nothing listens on, picked below the kernel's ephemeral range: a port from that
    range (what binding to port 0 gives) may become the local end of any outgoing connection
    before our server binds it (seen in CI: gunicorn "Address already in use" on its port)."""
    low = _ephemeral_low()
    pick = random.SystemRandom()  # not the random module: a test plugin may seed it alike in every process
    for _ in range(200):
        port = pick.randrange(max(1024, low - 12000), low)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ephemeral_low() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


class Sandbox:
    def __init__(self, root: Path, *, web_port: int | None = None, env: dict[str, str] | None = None, keep_services: bool = False) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.web_port = web_port or free_port()
        self.sim_port = free_port()
        base = {k: v for k, v in os.environ.items() if keep_services or k not in DROP_ENV}
        from cryptography.fernet import Fernet

        base.update(
            DJANGO_SETTINGS_MODULE="portal.settings",
            SECRET_KEY="sandbox-secret-key",
            FIELD_ENCRYPTION_KEY=Fernet.generate_key().decode(),
            SQLITE_PATH=str(self.root / "db.sqlite3"),
            SITE_URL=f"http://127.0.0.1:{self.web_port}",
            DEBUG="false",
            LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
        )
        base.update(env or {})
        self.env = base
        self.procs: dict[str, subprocess.Popen] = {}

    # --- commands -------------------------------------------------------------
    def manage(self, *args: str, timeout: float = 600, env: dict | None = None) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
        return result.stdout

    def manage_json(self, *args: str, timeout: float = 600) -> dict:
        out = self.manage(*args, timeout=timeout).strip().splitlines()
        return json.loads(out[-1])

    # --- processes --------------------------------------------------------------
    def start(self, name: str, args: list[str], env: dict | None = None) -> subprocess.Popen:
        log = open(self.root / f"{name}.log", "ab")  # noqa: SIM115 (the child keeps it)
        proc = subprocess.Popen(
            args, cwd=BASE_DIR, env={**self.env, **(env or {})}, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.procs[name] = proc
        return proc

    def start_simulators(self, delay: float = 0.5) -> None:
        self.start(
            "simulators",
            [sys.executable, "manage.py", "simulate_providers", "--port", str(self.sim_port), "--delay", str(delay), "--seed", "1"],
        )
        self.wait_http(f"{self.sim_url}/_sim/health")

    def start_cluster(self, name: str = "cluster", workers: int = 2, env: dict | None = None) -> subprocess.Popen:
        # The cluster as the Procfile's worker runs it (run_worker's supervised child).
        return self.start(name, [sys.executable, "manage.py", "run_worker", "--cluster"], env={"Q_WORKERS": str(workers), **(env or {})})

    def start_web(self, workers: int = 2, threads: int = 8) -> None:
        # As the Procfile runs it: gthread workers, which keep connections alive.
        args = [sys.executable, "-m", "gunicorn", "portal.wsgi", "-w", str(workers), "--threads", str(threads), "--keep-alive", "10"]
        args += ["-b", f"127.0.0.1:{self.web_port}"]
        self.start("web", [*args, "--log-level", "warning", "--backlog", "2048"])
        self.wait_http(f"http://127.0.0.1:{self.web_port}/health", ok_codes=(200, 503))

    @property
    def sim_url(self) -> str:
        return f"http://127.0.0.1:{self.sim_port}"

    def sim_stats(self) -> dict:
        return httpx.get(f"{self.sim_url}/_sim/stats", timeout=10).json()

    def wait_http(self, url: str, timeout: float = 30, ok_codes=(200,)) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if httpx.get(url, timeout=2).status_code in ok_codes:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{url} did not come up")

    def ensure_running(self, *names: str) -> None:
        """Raise, with the end of its log, if a process started here (or one of ``names``)
        has exited: a run waiting on a dead cluster would otherwise wait out its timeout."""
        for name, proc in self.procs.items():
            if (not names or name in names) and proc.poll() is not None:
                log = (self.root / f"{name}.log").read_text(errors="replace")[-3000:]
                raise RuntimeError(f"{name} exited with code {proc.returncode}:\n{log}")

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Signal the process and everything it started (its session), by its PID."""
        proc = self.procs.get(name)
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)

    def stop_all(self) -> None:
        for name in list(self.procs):
            self.kill(name, signal.SIGTERM)
            self.kill(name, signal.SIGKILL)
        self.procs.clear()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc) -> None:
        self.stop_all()


def tree_pids(pid: int) -> list[int]:
    """The process and its descendants (from /proc)."""
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                todo += [int(p) for p in task.read_text().split()]
            except OSError:
                continue
    return pids


def peak_rss_mb(pid: int) -> dict[int, float]:
    """Peak resident memory (VmHWM) of each process in the tree, in MB."""
    out = {}
    for p in tree_pids(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    out[p] = int(line.split()[1]) / 1024
        except OSError:
            continue
    return out


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of the process and its descendants (live ones), seconds."""
    import os as _os

    tick = _os.sysconf("SC_CLK_TCK")
    total = 0.0
    for p in tree_pids(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError, ValueError):
            continue
    return total
