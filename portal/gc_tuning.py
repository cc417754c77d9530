"""The garbage collector for the task workers.

Tasks create many short-lived, acyclic objects that reference counting frees. At Python's
default threshold (700 new objects) the collector ran every few hundred of them, and each
full collection walked everything the process had loaded (Django, the engine, the provider
backends): a quarter of the CPU of building 100k messages (1.40 s, 1.09 s with this setting).
What is loaded when the cluster is ready is frozen (never walked again; the forked workers
share those pages untouched) and a collection waits for GC_THRESHOLD new objects.
Measured on gunicorn's intake as well: no gain, so the web processes keep Python's defaults."""

from __future__ import annotations

import gc

GC_THRESHOLD = 10_000  # new objects between two collections (Python's default: 700)


def freeze_loaded() -> None:
    gc.collect()  # what is garbage now is not frozen with the rest
    gc.freeze()
    # The older generations keep Python's multipliers: with (50,000, 20, 20) full collections
    # were so rare that a 1M-recipient run's workers grew to 155 MB (108 MB at 100k); with
    # these they stay at 108 MB at 1M.
    gc.set_threshold(GC_THRESHOLD, 10, 10)
