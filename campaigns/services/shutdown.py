"""A worker's "stop taking work" flag.

``manage.py run_worker`` sends SIGUSR1 to every process of its django-q2 cluster when it is
asked to stop; the handler installed here (before the cluster forks, so every process has
it) sets this flag. Batch tasks check it before each claim and while they pace or wait, so
a worker hands back what it has not sent yet instead of being killed in the middle."""

from __future__ import annotations

import signal
import threading

STOP_SIGNAL = signal.SIGUSR1

_requested = threading.Event()


def request(signum: int | None = None, frame: object = None) -> None:
    _requested.set()


def requested() -> bool:
    return _requested.is_set()


def wait(seconds: float) -> bool:
    """Sleep up to ``seconds``; True (at once) when a stop is requested."""
    return _requested.wait(max(0.0, seconds))


def install() -> None:
    """Set the flag on STOP_SIGNAL in this process and every process it forks later."""
    signal.signal(STOP_SIGNAL, request)


def reset() -> None:
    """For tests."""
    _requested.clear()
