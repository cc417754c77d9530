"""Throughput limits shared by every worker process: a slot-reservation clock per key.

Reserving ``n`` sends at ``rate``/s moves the key's "next free slot" forward by n/rate
and tells the caller how long to wait before its slot starts. One short write per chunk,
no polling. On Redis (REDIS_URL) it is one Lua call; otherwise one locked row.

The clock is the machine's monotonic clock carried onto wall-clock time by an offset each
process takes once: a wall clock stepped forward (a virtual machine resynchronising after a
pause, seen in CI as ~0.5 s jumps) would otherwise make every slot reserved before the step
look past, and a burst would follow. Processes on other machines still agree to within
their wall clocks' difference, and a step larger than ``CLOCK_RESYNC_SECONDS`` (an operator
setting the time) is followed, so no process waits on a clock hours away from the others."""

from __future__ import annotations

import time
from functools import cache

from django.conf import settings
from django.db import connection, transaction

from campaigns.models import EngineClock

_LUA = """
local now = tonumber(ARGV[1])
local span = tonumber(ARGV[2])
local start = tonumber(redis.call('GET', KEYS[1]) or '0')
if start < now then start = now end
redis.call('SET', KEYS[1], tostring(start + span), 'EX', 3600)
return tostring(start)
"""
_LUA_PUSH = """
local until_ = tonumber(ARGV[1])
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
if cur < until_ then redis.call('SET', KEYS[1], tostring(until_), 'EX', 3600) end
return 1
"""


CLOCK_RESYNC_SECONDS = 5.0
_offset: float | None = None


def now() -> float:
    """Seconds since the epoch on the pacing clock (see the module's docstring)."""
    global _offset
    mono = time.monotonic()
    wall_offset = time.time() - mono
    if _offset is None or abs(wall_offset - _offset) > CLOCK_RESYNC_SECONDS:
        _offset = wall_offset
    return mono + _offset


@cache
def _redis():
    import redis

    return redis.Redis.from_url(settings.REDIS_URL)


def _redis_key(key: str) -> str:
    return f"{settings.Q_CLUSTER['name']}:{key}"  # "portal:rate:conn:5" by default


def _use_redis() -> bool:
    return bool(getattr(settings, "REDIS_URL", ""))


def reserve(key: str, n: int, rate: float) -> float:
    """Reserve ``n`` sends under ``rate`` per second; returns seconds to wait (>= 0)."""
    if n <= 0:
        return 0.0
    at = now()
    if rate <= 0:  # no cap, but a provider's 429 still holds everyone back
        return max(0.0, blocked_until(key) - at)
    span = n / rate
    if _use_redis():
        start = float(_redis().eval(_LUA, 1, _redis_key(key), repr(at), repr(span)))
    else:
        start = _reserve_db(key, at, span)
    wait = start - at
    return wait if wait > 0.001 else 0.0  # Lua's number formatting rounds to ~10 us


def _reserve_db(key: str, at: float, span: float) -> float:
    with transaction.atomic():
        qs = EngineClock.objects.filter(key=key)
        if connection.features.has_select_for_update:
            qs = qs.select_for_update()
        current = qs.values_list("value", flat=True).first()
        if current is None:
            EngineClock.objects.get_or_create(key=key, defaults={"value": 0.0})
            current = 0.0
        start = max(current, at)
        EngineClock.objects.filter(key=key).update(value=start + span)
    return start


def blocked_until(key: str) -> float:
    if _use_redis():
        value = _redis().get(_redis_key(key))
        return float(value) if value else 0.0
    return EngineClock.objects.filter(key=key).values_list("value", flat=True).first() or 0.0


def push_back(key: str, seconds: float) -> None:
    """Nobody sends on ``key`` for the next ``seconds`` (the provider said 429)."""
    until = now() + max(seconds, 0.0)
    if _use_redis():
        _redis().eval(_LUA_PUSH, 1, _redis_key(key), repr(until))
        return
    with transaction.atomic():
        EngineClock.objects.get_or_create(key=key, defaults={"value": 0.0})
        EngineClock.objects.filter(key=key, value__lt=until).update(value=until)


def connection_key(connection_id: int) -> str:
    return f"rate:conn:{connection_id}"


def campaign_key(campaign_id: int) -> str:
    return f"rate:campaign:{campaign_id}"


def wait_for_slot(keys_rates: list[tuple[str, float]], n: int) -> float:
    """Reserve on every (key, rate) and return the longest wait."""
    return max([reserve(key, n, rate) for key, rate in keys_rates] or [0.0])


def provider_operation_key(name: str) -> str:
    """``name`` is "<provider>:<operation>": a provider's per-IP limit, shared by every connection."""
    return f"rate:op:{name}"


# Requests of a rate-limited operation are spaced 5% wider than the limit, so network
# jitter never lands two of them inside one of the provider's windows.
OPERATION_MARGIN = 1.05


def wait_for_operation(name: str, rate: float) -> None:
    """The backends' pacer: block until this request's slot (see ProviderBackend.pace)."""
    wait = reserve(provider_operation_key(name), 1, rate / OPERATION_MARGIN)
    if wait > 0:
        time.sleep(wait)
