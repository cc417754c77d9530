"""Observability: per-connection queue depth, send rate and error rate; /health."""

from __future__ import annotations

import time

from django.db import connection as db_connection
from django.db.models import Sum

from campaigns.models import Campaign, EngineClock, Message, StatusCount
from campaigns.services import clock
from providers.base import MessageStatus as S

WINDOW_MINUTES = 5
CLUSTER_ALIVE_SECONDS = 150


def connection_stats(account) -> list[dict]:
    """One dict per connection of the account: queue depth (pending + queued), sends and
    errors per minute over the last minutes, error rate, throughput cap."""
    from providers.models import ProviderConnection

    now_minute = clock.minute()
    minutes = range(now_minute - WINDOW_MINUTES + 1, now_minute + 1)
    out = []
    for conn in ProviderConnection.objects.filter(account=account).order_by("name"):
        keys = [clock.counter_key(kind, conn.pk, m) for kind in ("sent", "err") for m in minutes]
        values = dict(EngineClock.objects.filter(key__in=keys).values_list("key", "value"))
        sent = sum(values.get(clock.counter_key("sent", conn.pk, m), 0) for m in minutes)
        errors = sum(values.get(clock.counter_key("err", conn.pk, m), 0) for m in minutes)
        out.append(
            {
                "connection_id": conn.pk,
                "name": conn.name,
                "provider": conn.provider,
                "mps": conn.mps,
                "queue_depth": queue_depth(conn),
                "sent_last_minutes": int(sent),
                "send_rate_per_minute": round(sent / WINDOW_MINUTES, 1),
                "error_rate": round(errors / sent, 3) if sent else 0.0,
                "window_minutes": WINDOW_MINUTES,
                "is_active": conn.is_active,
            }
        )
    return out


def queue_depth(conn) -> int:
    """Pending + queued messages on a connection: campaign counts (delta rows) for its
    active campaigns, plus its single sends."""
    active = Campaign.objects.filter(connection=conn, status__in=["running", "paused", "scheduled"]).values_list("pk", flat=True)
    from_campaigns = (
        StatusCount.objects.filter(campaign_id__in=list(active), status__in=[S.PENDING, S.QUEUED]).aggregate(n=Sum("count"))["n"] or 0
    )
    singles = Message.objects.filter(connection=conn, campaign__isnull=True, status__in=[S.PENDING, S.QUEUED]).count()
    return int(from_campaigns) + singles


def task_queue_depth() -> int | None:
    try:
        from django_q.brokers import get_broker

        return get_broker().queue_size()
    except Exception:
        return None


def health_report() -> dict:
    report: dict = {"db": False, "queue_depth": None, "cluster_alive": False}
    try:
        with db_connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        report["db"] = True
    except Exception as exc:
        report["db_error"] = str(exc)[:200]
        return report
    report["queue_depth"] = task_queue_depth()
    beat = clock.last_beat("beat:cluster")
    report["cluster_last_beat_seconds"] = round(time.time() - beat, 1) if beat else None
    report["cluster_alive"] = bool(beat and time.time() - beat < CLUSTER_ALIVE_SECONDS) or _q_stat_alive()
    report["ok"] = report["db"] and report["cluster_alive"]
    return report


def _q_stat_alive() -> bool:
    try:
        from django_q.status import Stat

        return any(s.status in ("Idle", "Working", "Starting") for s in Stat.get_all())
    except Exception:
        return False
