"""Django's SQLite backend with a queue for writers.

SQLite lets one transaction write at a time. A writer that finds the lock taken sleeps in
SQLite's busy handler, 1, 2, 5, 10, 15, 20, 25 ms... whether or not the lock was freed
meanwhile, so under steady contention (the workers' claims and results, the webhook
intake, materialization) most of the wait is sleep after the lock was already free.

Here every write transaction first takes an exclusive ``flock`` on a file beside the
database, then BEGIN IMMEDIATE, and gives it back at COMMIT or ROLLBACK. A write statement
outside a transaction (Django's ``QuerySet.update()`` and ``save()`` in autocommit: the
heartbeats, counters, status flips) takes it for that one statement. The kernel wakes
the next writer as soon as it is released, and frees it if its holder dies. The flock only
orders writers: SQLite's own lock still decides, so a process without this backend is as
safe as before; it just waits the old way."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager

from django.db.backends.sqlite3 import base

from portal.sqlite_backend import checkpoint

WRITE_VERBS = ("INSERT", "UPDATE", "DELETE", "REPLACE")


class QueuedCursor(base.SQLiteCursorWrapper):
    """Django's SQLite cursor; a write statement run outside a transaction waits its turn."""

    def __init__(self, connection, wrapper: DatabaseWrapper) -> None:
        super().__init__(connection)
        self.wrapper = wrapper

    def execute(self, query, params=None):
        if not self._is_lone_write(query):
            return super().execute(query, params)
        with self.wrapper.writer_turn():
            return super().execute(query, params)

    def executemany(self, query, param_list):
        if not self._is_lone_write(query):
            return super().executemany(query, param_list)
        with self.wrapper.writer_turn():
            return super().executemany(query, param_list)

    def _is_lone_write(self, query: str) -> bool:
        return not self.connection.in_transaction and query.lstrip()[:7].upper().startswith(WRITE_VERBS)


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._writer_fd: int | None = None
        self._writer_pid = 0
        self._writer_held = False

    def get_new_connection(self, conn_params):
        conn = super().get_new_connection(conn_params)
        if not self.is_in_memory_db():
            conn.execute(f"PRAGMA wal_autocheckpoint={checkpoint.BACKSTOP_PAGES}")
        return conn

    def create_cursor(self, name=None):
        return self.connection.cursor(factory=lambda conn: QueuedCursor(conn, self))

    @contextmanager
    def writer_turn(self) -> Iterator[None]:
        """The writer's turn for one statement (a no-op when this connection holds it)."""
        if self._writer_held:
            yield
            return
        self._take_writer_turn()
        try:
            yield
        finally:
            self._end_writer_turn_unless_open()

    def _start_transaction_under_autocommit(self) -> None:
        self._take_writer_turn()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._end_writer_turn()
            raise

    def _commit(self) -> None:
        try:
            return super()._commit()
        finally:
            self._end_writer_turn_unless_open()

    def _rollback(self) -> None:
        try:
            return super()._rollback()
        finally:
            self._end_writer_turn_unless_open()

    def _close(self) -> None:
        try:
            return super()._close()
        finally:
            self._end_writer_turn()
            self._close_writer_file()

    # --- the queue ------------------------------------------------------------------------

    def _take_writer_turn(self) -> None:
        fd = self._writer_file()
        if fd is None or self._writer_held:
            return
        fcntl.flock(fd, fcntl.LOCK_EX)
        self._writer_held = True

    def _end_writer_turn_unless_open(self) -> None:
        # A COMMIT that failed (SQLITE_BUSY on a reader's checkpoint) leaves the transaction open.
        if self.connection is None or not self.connection.in_transaction:
            self._end_writer_turn()

    def _end_writer_turn(self) -> None:
        if self._writer_held and self._writer_fd is not None and self._writer_pid == os.getpid():
            fcntl.flock(self._writer_fd, fcntl.LOCK_UN)
            checkpoint.after_commit(self.settings_dict["NAME"])
        self._writer_held = False

    def _writer_file(self) -> int | None:
        if self.is_in_memory_db():
            return None
        if self._writer_fd is not None and self._writer_pid != os.getpid():
            # Inherited through fork: the parent's open file (and its lock) is not ours to use.
            self._writer_fd, self._writer_held = None, False
        if self._writer_fd is None:
            path = f"{self.settings_dict['NAME']}-writer.lock"
            self._writer_fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            self._writer_pid = os.getpid()
        return self._writer_fd

    def _close_writer_file(self) -> None:
        if self._writer_fd is not None and self._writer_pid == os.getpid():
            os.close(self._writer_fd)
        self._writer_fd = None
