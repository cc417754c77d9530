"""The garbage collector for the task workers.

Tasks create many short-lived, acyclic objects that reference counting frees. At Python's
default threshold (700 new objects) the collector ran every few hundred of them, and each
full collection walked everything the process had loaded (Django, the engine, the provider
backends): a quarter of the CPU of building 100k messages. What is loaded when the cluster
is ready is frozen (never walked again; the forked workers share those pages untouched) and
a collection waits for GC_THRESHOLD new objects. (Measured on gunicorn's intake: no gain,
so the web processes keep Python's defaults.)"""

from __future__ import annotations

import gc

GC_THRESHOLD = 50_000  # new objects between two collections (Python's default: 700)


def freeze_loaded() -> None:
    gc.collect()  # what is garbage now is not frozen with the rest
    gc.freeze()
    gc.set_threshold(GC_THRESHOLD, 20, 20)
