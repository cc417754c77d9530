"""SQLite writers queue on a lock file beside the database (portal/sqlite_backend): a write
transaction holds it from BEGIN to COMMIT or ROLLBACK, the next writer is woken when it is
released, and a holder that dies frees it."""

from __future__ import annotations

import copy
import fcntl
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connections, transaction

from portal.sqlite_backend.base import DatabaseWrapper


def lock_is_free(db: Path) -> bool:
    fd = os.open(f"{db}-writer.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # closing drops a lock this probe took
    return True


def open_db(path: Path, alias: str) -> DatabaseWrapper:
    """A connection of our backend to ``path``, reachable as ``alias`` in this thread."""
    settings = copy.deepcopy(connections.settings["default"])
    settings.update(ENGINE="portal.sqlite_backend", NAME=str(path))
    settings["OPTIONS"] = {**settings.get("OPTIONS", {}), "transaction_mode": "IMMEDIATE"}
    db = DatabaseWrapper(settings, alias=alias)
    connections[alias] = db
    return db


def close_db(db: DatabaseWrapper) -> None:
    db.close()
    del connections[db.alias]


@pytest.fixture
def wrapper(tmp_path, django_db_blocker):
    made = []

    def make(alias: str) -> DatabaseWrapper:
        made.append(open_db(tmp_path / "queue.sqlite3", alias))
        return made[-1]

    with django_db_blocker.unblock():  # our own database file, not the test database
        yield make
    for db in made:
        close_db(db)


def test_a_write_transaction_holds_the_writer_lock_until_commit(wrapper, tmp_path):
    db = wrapper("queue_a")
    with transaction.atomic(using="queue_a"):
        db.cursor().execute("CREATE TABLE t (v integer)")
        assert not lock_is_free(tmp_path / "queue.sqlite3")
    assert lock_is_free(tmp_path / "queue.sqlite3")
    assert db.cursor().execute("SELECT count(*) FROM t").fetchone() == (0,)


def test_a_rolled_back_transaction_gives_the_lock_back(wrapper, tmp_path):
    db = wrapper("queue_a")
    with pytest.raises(ValueError), transaction.atomic(using="queue_a"):
        db.cursor().execute("CREATE TABLE t (v integer)")
        raise ValueError("undo")
    assert lock_is_free(tmp_path / "queue.sqlite3")
    with transaction.atomic(using="queue_a"):  # and the next transaction takes it again
        db.cursor().execute("CREATE TABLE t (v integer)")
        assert not lock_is_free(tmp_path / "queue.sqlite3")


def test_a_second_writer_starts_only_after_the_first_commits(wrapper, tmp_path):
    first = wrapper("queue_a")
    with transaction.atomic(using="queue_a"):
        first.cursor().execute("CREATE TABLE t (v integer)")
    order: list[str] = []

    def write_second() -> None:
        second = open_db(tmp_path / "queue.sqlite3", "queue_b")  # connections are per thread
        with transaction.atomic(using="queue_b"):
            order.append("second began")
            second.cursor().execute("INSERT INTO t VALUES (2)")
        close_db(second)

    with transaction.atomic(using="queue_a"):
        first.cursor().execute("INSERT INTO t VALUES (1)")
        thread = threading.Thread(target=write_second)
        thread.start()
        time.sleep(0.3)
        order.append("first commits")
    thread.join(10)
    assert order == ["first commits", "second began"]
    assert first.cursor().execute("SELECT v FROM t ORDER BY rowid").fetchall() == [(1,), (2,)]


def test_a_writer_killed_mid_transaction_frees_the_lock(tmp_path):
    db = tmp_path / "killed.sqlite3"
    code = (
        "import sys, time, django; django.setup(); from django.db import connection, transaction\n"
        "with transaction.atomic():\n"
        "    connection.cursor().execute('CREATE TABLE t (v integer)')\n"
        "    print('holding', flush=True)\n"
        "    time.sleep(60)\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", "SQLITE_PATH": str(db), "DATABASE_URL": ""}
    env.update({"SECRET_KEY": "x", "REDIS_URL": ""})
    child = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, text=True, cwd=os.getcwd())
    try:
        assert child.stdout.readline().strip() == "holding"
        assert not lock_is_free(db)
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
    assert lock_is_free(db)


def hold_lock(db: Path) -> int:
    fd = os.open(f"{db}-writer.lock", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def test_a_write_outside_a_transaction_waits_for_the_writer_turn(wrapper, tmp_path):
    db = wrapper("queue_a")
    db.cursor().execute("CREATE TABLE t (v integer)")
    db.cursor().execute("INSERT INTO t VALUES (1)")  # autocommit: takes and gives back the turn
    assert lock_is_free(tmp_path / "queue.sqlite3")
    done: list[str] = []

    def write_alone() -> None:
        other = open_db(tmp_path / "queue.sqlite3", "queue_b")
        other.cursor().execute("UPDATE t SET v = 2")
        done.append("updated")
        close_db(other)

    held = hold_lock(tmp_path / "queue.sqlite3")  # another process's write transaction
    thread = threading.Thread(target=write_alone)
    try:
        thread.start()
        time.sleep(0.3)
        assert done == []  # queued behind the holder, not polling SQLite's lock
        assert db.cursor().execute("SELECT v FROM t").fetchall() == [(1,)]  # readers never wait
    finally:
        os.close(held)
    thread.join(10)
    assert done == ["updated"]
    assert lock_is_free(tmp_path / "queue.sqlite3")


def test_commits_are_checkpointed_in_the_background(wrapper, tmp_path):
    from portal.sqlite_backend import checkpoint

    db = wrapper("queue_a")
    assert db.cursor().execute("PRAGMA wal_autocheckpoint").fetchone() == (checkpoint.BACKSTOP_PAGES,)
    path = tmp_path / "queue.sqlite3"
    with transaction.atomic(using="queue_a"):
        db.cursor().execute("CREATE TABLE t (v text)")
        db.cursor().executemany("INSERT INTO t VALUES (%s)", [("x" * 500,)] * 2000)
    # The table's pages are in the WAL; only a checkpoint copies them into the database file,
    # and the automatic one (the backstop) is far off.
    checkpointer = checkpoint._checkpointers[str(path)]
    deadline = time.monotonic() + 10
    # The file grows during the copy; the run is counted when the PRAGMA returns.
    while (path.stat().st_size < 1_000_000 or checkpointer.runs < 1) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert path.stat().st_size >= 1_000_000
    assert checkpointer.runs >= 1
