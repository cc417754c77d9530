"""Django's SQLite backend with a queue for writers.

SQLite lets one transaction write at a time. A writer that finds the lock taken sleeps in
SQLite's busy handler, 1, 2, 5, 10, 15, 20, 25 ms... whether or not the lock was freed
meanwhile, so under steady contention (the workers' claims and results, the webhook
intake, materialization) most of the wait is sleep after the lock was already free.

Here every write transaction first takes an exclusive ``flock`` on a file beside the
database, then BEGIN IMMEDIATE, and gives it back at COMMIT or ROLLBACK. The kernel wakes
the next writer as soon as it is released, and frees it if its holder dies. The flock only
orders writers: SQLite's own lock still decides, so a write made outside a transaction
(or by a process without this backend) is as safe as before; it just waits the old way."""

from __future__ import annotations

import fcntl
import os

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._writer_fd: int | None = None
        self._writer_pid = 0
        self._writer_held = False

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
