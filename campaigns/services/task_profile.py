"""Profiling of engine tasks on demand: with ENGINE_PROFILE_DIR set (``benchmark
--profile DIR`` sets it for its clusters and web), each wrapped task runs under cProfile
and leaves ``<dir>/<name>-<pid>-<n>.prof`` (read with ``python -m pstats``). Off by
default: the wrapper then costs one environment lookup."""

from __future__ import annotations

import cProfile
import itertools
import os
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

_counter = itertools.count()


def profiled(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(func)
        def run(*args: Any, **kwargs: Any) -> Any:
            folder = os.environ.get("ENGINE_PROFILE_DIR")
            if not folder:
                return func(*args, **kwargs)
            profile = cProfile.Profile()
            try:
                return profile.runcall(func, *args, **kwargs)
            finally:
                path = Path(folder) / f"{name}-{os.getpid()}-{next(_counter)}.prof"
                path.parent.mkdir(parents=True, exist_ok=True)
                profile.dump_stats(str(path))

        return run

    return decorate
