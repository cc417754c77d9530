"""Writes short-link clicks in small batches, off the request.

A redirect hands its click to this process's writer and answers at once; a background
thread inserts what gathered every ``SHORT_LINK_WRITE_MS`` milliseconds in one
transaction (SQLite has one writer: thousands of one-row transactions a second queue on its
lock, one batch a tenth of a second does not). The buffer is flushed when the process
exits normally (gunicorn's graceful stop), so every click is recorded; a killed process
loses at most one interval. ``SHORT_LINK_WRITE_MS=0`` writes each click in the request
(the tests do)."""

from __future__ import annotations

import atexit
import logging
import os
import threading
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import close_old_connections, transaction

from campaigns.models import Click

log = logging.getLogger(__name__)
MAX_BATCH = 5000


@dataclass
class Pending:
    click: Click
    url: str
    subaccount_id: int | None


class ClickWriter:
    def __init__(self, interval_ms: int) -> None:
        self.interval = interval_ms / 1000
        self._items: list[Pending] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid = 0

    def add(self, click: Click, url: str, subaccount_id: int | None = None) -> None:
        """Record a click: now (no interval), else with the next batch."""
        if self.interval <= 0:
            write([Pending(click, url, subaccount_id)])
            return
        with self._lock:
            self._items.append(Pending(click, url, subaccount_id))
            full = len(self._items) >= MAX_BATCH
            self._ensure_thread()
        if full:
            self._wake.set()

    def flush(self) -> int:
        """Write everything gathered so far; returns how many clicks."""
        with self._lock:
            items, self._items = self._items, []
        if items:
            write(items)
        return len(items)

    def _ensure_thread(self) -> None:
        if self._thread is not None and self._thread.is_alive() and self._pid == os.getpid():
            return
        self._pid = os.getpid()
        self._thread = threading.Thread(target=self._run, name="click-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            self._wake.wait(self.interval)
            self._wake.clear()
            try:
                self.flush()
            except Exception:
                log.exception("could not write clicks")
            finally:
                close_old_connections()


def write(items: list[Pending]) -> None:
    """Insert the clicks in one transaction; people's clicks become ``message.clicked`` events."""
    from campaigns.services.events import emit_events
    from campaigns.services.links import click_payload

    with transaction.atomic():
        Click.objects.bulk_create([item.click for item in items], batch_size=1000)
        by_account: dict[int, list[dict]] = defaultdict(list)
        for item in items:
            if not item.click.is_bot:
                by_account[item.click.account_id].append(click_payload(item.click, item.url, item.subaccount_id))
        for account_id, payloads in by_account.items():
            emit_events(account_id, "message.clicked", payloads)


_writer: ClickWriter | None = None


def writer() -> ClickWriter:
    global _writer
    if _writer is None:
        _writer = ClickWriter(settings.SHORT_LINK_WRITE_MS)
        atexit.register(_writer.flush)
    return _writer
