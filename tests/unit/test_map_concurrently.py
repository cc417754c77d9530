"""providers.base.map_concurrently: a backend's concurrent requests run on threads kept for
the process's life, in order, never more than the width at once."""

from __future__ import annotations

import os
import threading
import time

from providers.base import map_concurrently


def test_results_come_back_in_order():
    assert map_concurrently(lambda x: x * 2, list(range(50)), 8) == [x * 2 for x in range(50)]


def test_no_more_than_the_width_run_at_once():
    running, peak, guard = [0], [0], threading.Lock()

    def call(_):
        with guard:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.01)
        with guard:
            running[0] -= 1

    map_concurrently(call, list(range(40)), 4)
    assert peak[0] == 4


def test_the_threads_are_reused_between_calls():
    def who(_):
        time.sleep(0.002)
        return threading.get_ident()

    first = set(map_concurrently(who, list(range(32)), 8))
    second = set(map_concurrently(who, list(range(32)), 8))
    assert len(first | second) <= 8  # the same eight threads, not eight new ones per call


def test_one_item_or_width_one_runs_in_the_caller():
    me = threading.get_ident()
    assert map_concurrently(lambda _: threading.get_ident(), [1], 8) == [me]
    assert map_concurrently(lambda _: threading.get_ident(), [1, 2], 1) == [me, me]


def test_a_forked_child_makes_its_own_threads():
    map_concurrently(lambda x: x, [1, 2, 3], 3)  # the parent's pool exists
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: the parent's threads are gone, a new pool must serve it
        try:
            ok = map_concurrently(lambda x: x + 1, [1, 2, 3], 3) == [2, 3, 4]
            os.write(write, b"ok" if ok else b"no")
        finally:
            os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    assert os.read(read, 2) == b"ok"
    os.close(read)
