"""Heartbeats and small per-minute counters kept in EngineClock rows."""

from __future__ import annotations

import time

from django.db.models import F

from campaigns.models import EngineClock


def beat(key: str) -> None:
    now = time.time()
    if not EngineClock.objects.filter(key=key).update(value=now):
        EngineClock.objects.update_or_create(key=key, defaults={"value": now})


def take(key: str, every: float) -> bool:
    """True for one caller per ``every`` seconds across every process (a compare-and-set
    on the key's time): a lease or a once-per-interval guard."""
    now = time.time()
    if EngineClock.objects.filter(key=key, value__lt=now - every).update(value=now):
        return True
    _, created = EngineClock.objects.get_or_create(key=key, defaults={"value": now})
    return created


def release(key: str) -> None:
    EngineClock.objects.filter(key=key).update(value=0.0)


def last_beat(key: str) -> float | None:
    return EngineClock.objects.filter(key=key).values_list("value", flat=True).first()


def campaign_beat_key(campaign_id: int) -> str:
    return f"beat:campaign:{campaign_id}"


def bump(key: str, n: int = 1) -> None:
    if n and not EngineClock.objects.filter(key=key).update(value=F("value") + n):
        EngineClock.objects.get_or_create(key=key, defaults={"value": 0.0})
        EngineClock.objects.filter(key=key).update(value=F("value") + n)


def minute(now: float | None = None) -> int:
    return int((now or time.time()) // 60)


def counter_key(kind: str, connection_id: int, at_minute: int) -> str:
    return f"{kind}:conn:{connection_id}:{at_minute}"
