"""WAL checkpoints off the writer's turn.

SQLite copies the WAL back into the database file (a checkpoint) from inside the COMMIT
that crosses ``wal_autocheckpoint`` pages, so with the writer queue that copy, and its
fsync, happened while the committing process still held everyone's writer turn. Here each
process runs PASSIVE checkpoints in a thread of its own, on its own connection, at most
once per ``EVERY`` seconds after it committed; the automatic checkpoint stays on, at a
larger size, as a backstop. A PASSIVE checkpoint never waits for or blocks a writer or a
reader: it copies what it can and leaves the rest to the next one."""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time

EVERY = 1.0  # seconds between a process's checkpoints while it keeps committing
BACKSTOP_PAGES = 20000  # wal_autocheckpoint: 80 MB of 4 KB pages if the thread falls behind

log = logging.getLogger(__name__)

_checkpointers: dict[str, Checkpointer] = {}  # by database file; emptied in a forked child
_guard = threading.Lock()


class Checkpointer:
    """One daemon thread per process and database file."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.wanted = threading.Event()
        self.runs = 0
        self.thread = threading.Thread(target=self._loop, name="sqlite-checkpoint", daemon=True)
        self.thread.start()

    def committed(self) -> None:
        self.wanted.set()

    def _loop(self) -> None:
        db = sqlite3.connect(self.path, timeout=0, check_same_thread=False)
        while True:
            self.wanted.wait()
            self.wanted.clear()
            started = time.monotonic()
            try:
                db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            except sqlite3.Error:  # another process is checkpointing: it does the copy
                pass
            except Exception:
                log.exception("checkpoint of %s failed", self.path)
            self.runs += 1
            time.sleep(max(0.0, EVERY - (time.monotonic() - started)))


def _forget_in_child() -> None:
    global _guard
    _guard = threading.Lock()  # a fork while another thread held it would leave it held
    _checkpointers.clear()


os.register_at_fork(after_in_child=_forget_in_child)


def after_commit(path: str) -> None:
    """A commit on ``path`` in this process: its checkpointer runs soon."""
    checkpointer = _checkpointers.get(path)
    if checkpointer is None:
        try:
            with _guard:
                checkpointer = _checkpointers.get(path)
                if checkpointer is None:
                    checkpointer = _checkpointers[path] = Checkpointer(path)
        except RuntimeError:  # no new threads at interpreter shutdown: the backstop remains
            return
    checkpointer.committed()
