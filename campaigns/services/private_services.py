"""A private PostgreSQL and Redis on 127.0.0.1 from the Debian packages (as
.ci/with-services.sh starts them), for the benchmark and the multi-cluster crash test:
started here, stopped here (pg_ctl by its data directory, Redis by its PID file).

When DATABASE_URL / REDIS_URL point at servers already running, ``ScratchDatabase``
makes a throwaway database on that PostgreSQL instead, so a measurement never writes
into the data it was pointed at."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from campaigns.services.sandbox import free_port


def pg_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
    if not found:
        raise RuntimeError("PostgreSQL is not installed (Debian package postgresql; bash .ci/system-packages.sh installs it).")
    return Path(found[-1])


def _as_postgres() -> list[str]:
    """initdb and the server refuse to run as root: run them as the postgres user."""
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


class PrivatePostgres:
    """A throwaway server: its data in a fresh directory under /tmp (owned by the postgres
    user when we run as root: a 0700 test directory would not let it in), removed on stop."""

    def __init__(self, port: int | None = None) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="portal-pg-"))
        self.data = self.root / "pg"
        self.port = port or free_port()
        self.bin = pg_bin()

    @property
    def url(self) -> str:
        return f"postgres://portal@127.0.0.1:{self.port}/portal"

    @property
    def version(self) -> str:
        return self.bin.parent.name

    def start(self) -> str:
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
        run = _as_postgres()
        if not (self.data / "PG_VERSION").exists():
            subprocess.run(
                [*run, str(self.bin / "initdb"), "-D", str(self.data), "-U", "portal", "--auth=trust"], check=True, capture_output=True
            )
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        subprocess.run(
            [*run, str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "pg.log"), "-o", options, "-w", "start"],
            check=True,
            capture_output=True,
        )
        exists = subprocess.run(
            [str(self.bin / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "portal", "-d", "postgres", "-tAc",
             "SELECT 1 FROM pg_database WHERE datname = 'portal'"],
            check=True, capture_output=True, text=True,
        ).stdout.strip()  # fmt: skip
        if not exists:
            subprocess.run([str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "portal", "portal"], check=True)
        return self.url

    def stop(self) -> None:
        subprocess.run([*_as_postgres(), str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop"], capture_output=True)
        shutil.rmtree(self.root, ignore_errors=True)


class PrivateRedis:
    def __init__(self, root: Path, port: int | None = None) -> None:
        self.root = Path(root)
        self.port = port or free_port()
        self.pidfile = self.root / "redis.pid"

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> str:
        self.root.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--daemonize", "yes", "--pidfile", str(self.pidfile), "--dir", str(self.root)],
            check=True, capture_output=True,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while not self.pidfile.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.url

    def stop(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            os.kill(int(self.pidfile.read_text().strip()), signal.SIGTERM)


class ScratchDatabase:
    """A throwaway database on the PostgreSQL that ``url`` names (dropped on stop)."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.name = f"{parts.path.lstrip('/') or 'portal'}_scratch_{uuid.uuid4().hex[:8]}"
        self.admin_url = urlunsplit(parts._replace(path="/postgres"))
        self.url = urlunsplit(parts._replace(path=f"/{self.name}"))

    def _run(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(sql)

    def start(self) -> str:
        self._run(f'CREATE DATABASE "{self.name}"')
        return self.url

    def stop(self) -> None:
        self._run(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def redis_version() -> str:
    try:
        out = subprocess.run(["redis-server", "--version"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return ""
    return next((w.split("=", 1)[1] for w in out.split() if w.startswith("v=")), "")


def start_services(root: Path, stack, *, database: str = "postgres", broker: str = "redis") -> tuple[dict[str, str], dict[str, str]]:
    """Environment (DATABASE_URL, REDIS_URL, Q_CLUSTER_NAME) and labels for the database
    (sqlite | postgres) and broker (orm | redis) asked for. PostgreSQL: a scratch database
    on DATABASE_URL's server when that is set, else a private server; Redis: REDIS_URL when
    set (with a queue name of its own), else a private server. ``stack`` (an ExitStack)
    stops and drops what was started here."""
    env: dict[str, str] = {}
    labels = {"database": "SQLite (WAL file)", "broker": "django-q2 ORM broker (in the database)"}
    given_db, given_redis = os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL", "")
    if database == "postgres":
        if given_db.startswith("postgres"):
            scratch = ScratchDatabase(given_db)
            env["DATABASE_URL"] = scratch.start()
            stack.callback(scratch.stop)
            labels["database"] = f"PostgreSQL (DATABASE_URL's server, scratch database {scratch.name})"
        else:
            pg = PrivatePostgres()
            stack.callback(pg.stop)
            env["DATABASE_URL"] = pg.start()
            labels["database"] = f"PostgreSQL {pg.version} (private, 127.0.0.1:{pg.port})"
    if broker == "redis":
        if given_redis:
            env["REDIS_URL"] = given_redis
            labels["broker"] = "Redis (REDIS_URL)"
        else:
            redis = PrivateRedis(root)
            stack.callback(redis.stop)
            env["REDIS_URL"] = redis.start()
            labels["broker"] = f"Redis {redis_version()} (private, 127.0.0.1:{redis.port})"
        env["Q_CLUSTER_NAME"] = f"run-{uuid.uuid4().hex[:8]}"  # its own queue and keys on a shared Redis
    return env, labels
