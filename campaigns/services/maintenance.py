"""Periodic engine work (django-q2 schedules): the tick, count squashing, retention."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from campaigns.models import Campaign, EngineClock, Message
from campaigns.services import ab_tests, clock, ledger, materialize_claim
from campaigns.services.carrier import start_with_lookup
from campaigns.services.counts import squash_counts
from campaigns.services.polling import poll_batches
from campaigns.services.provider_schedule import hand_over_scheduled
from campaigns.services.reconcile import mark_stale_claims, poll_unreported, reconcile_unknown
from campaigns.services.ussd import expire_idle_sessions
from providers.base import MessageStatus as S

log = logging.getLogger(__name__)

CLUSTER_BEAT = "beat:cluster"
STALL_SECONDS = 90  # a running campaign with due messages and no progress this long is picked up again
SCHEDULES = [
    # (name, func, minutes)
    ("engine: tick", "campaigns.tasks.tick", 1),
    ("engine: squash counts", "campaigns.tasks.squash", 5),
    ("engine: retention", "campaigns.tasks.retention", 60),
    ("engine: provider polls", "campaigns.tasks.provider_polls", 1),
]
_ensured = False


def ensure_schedules(force: bool = False, using: str = "default") -> int:
    """Create the engine's periodic tasks (idempotent; once per process)."""
    global _ensured
    if _ensured and not force:
        return 0
    from django.db import DatabaseError
    from django_q.models import Schedule

    try:
        for name, func, minutes in SCHEDULES:
            Schedule.objects.using(using).update_or_create(
                name=name, defaults={"func": func, "schedule_type": Schedule.MINUTES, "minutes": minutes, "repeats": -1}
            )
    except DatabaseError:  # django_q's tables are not migrated yet (a partial migrate)
        log.warning("django-q tables missing: engine schedules not created")
        return 0
    _ensured = True
    return len(SCHEDULES)


def stall_seconds() -> float:
    from portal.env import env_int

    return float(getattr(settings, "ENGINE_STALL_SECONDS", env_int("ENGINE_STALL_SECONDS", STALL_SECONDS)))


def tick() -> dict[str, int]:
    """Start due campaigns, recover stalled ones, expire, mark dead claims unknown,
    reconcile, complete, apply leftover webhooks."""
    from campaigns.services.pipeline import enqueue_batches, expire_pending, maybe_complete, pending_due, settle_cancelled, start_campaign

    clock.beat(CLUSTER_BEAT)
    now = timezone.now()
    done = {"started": 0, "recovered": 0, "expired": 0, "unknown": 0, "reconciled": 0, "completed": 0}
    for pk in (
        Campaign.objects.filter(status=Campaign.Status.SCHEDULED)
        .filter(Q(send_at__isnull=True) | Q(send_at__lte=now))
        .values_list("pk", flat=True)
    ):
        start_with_lookup(pk)  # start_campaign, after a carrier lookup where the connection enables it
        done["started"] += 1
    done["handed_over"] = hand_over_scheduled(now)  # provider-side schedules, ahead of time
    done["unknown"] = mark_stale_claims(now)
    for campaign in Campaign.objects.filter(status=Campaign.Status.RUNNING).select_related("connection"):
        if campaign.expires_at and campaign.expires_at <= now:
            done["expired"] += expire_pending(campaign)
        elif campaign.recipients == 0 and not materialize_claim.held(campaign.pk):
            # recipients is set when materializing finished: its start task died part-way.
            # Not waiting for the campaign to stall: batch tasks sending what was created keep
            # its heartbeat fresh, and the rest of the audience would wait until they ran dry.
            start_campaign(campaign.pk, recover=True)
            done["recovered"] += 1
        elif _stalled(campaign) and pending_due(campaign.pk):
            done["recovered"] += enqueue_batches(campaign, due_only=True)
        done["completed"] += maybe_complete(campaign.pk)
    done["ab_decided"] = ab_tests.decide_due(now)  # A/B tests whose wait is over (if their task was lost)
    for campaign in Campaign.objects.filter(status__in=["completed", "cancelled", "failed"], reserved_amount__gt=0):
        if campaign.status == Campaign.Status.CANCELLED:
            settle_cancelled(campaign.pk)
        elif not Message.objects.filter(campaign=campaign, status__in=[S.QUEUED]).exists():
            ledger.release_all(campaign)
    done["single_requeued"] = requeue_stuck_singles(now)
    done["reconciled"] = reconcile_unknown()
    done["ussd_expired"] = expire_idle_sessions(now)
    done["polled"] = poll_unreported()
    done["polled_batches"] = poll_batches()
    from campaigns.services.held_reports import retry_held
    from providers.intake import apply_received, reset_stale_claims

    reset_stale_claims()
    done["held_applied"] = retry_held()  # first: claims just marked unknown adopt their reports
    # Bounded: while reports flow the leased apply loop carries them; this covers a loop
    # killed with its lease, and reports whose request queued no task.
    apply_received(max_seconds=10, lease=False)
    return done


RECOVERY_BEAT = "beat:recovery"
RECOVERY_EVERY = 5.0  # seconds: one start-up recovery per wave of worker starts


def on_worker_spawn(sender=None, proc_name: str = "", **kwargs) -> None:
    """django-q2 post_spawn (a worker process started: a cluster (re)started): queue one
    recovery, so what a killed cluster left claimed settles within a minute of the restart
    instead of waiting for the stale limit to pass and the next tick after it."""
    if settings.Q_CLUSTER.get("sync"):
        return  # tasks run inline (tests): django-q2 "spawns" a worker for each one
    try:
        if not clock.take(RECOVERY_BEAT, RECOVERY_EVERY):  # the cluster's other workers, a neighbour cluster
            return
        from django_q.tasks import async_task

        async_task("campaigns.tasks.recover", group="engine")
    except Exception:  # the periodic tick recovers too; a start must never fail on this
        log.exception("could not queue the start-up recovery")


def recover_after_start() -> dict[str, int]:
    """Wait until the claims of dead workers are past the stale limit (at most that long,
    only when there are claims), then run the tick: they become `unknown`, are reconciled
    or adopted by their reports, and their campaigns are picked up again."""
    from campaigns.services.reconcile import stale_after

    oldest = Message.objects.filter(status=S.QUEUED).order_by("queued_at").values_list("queued_at", flat=True).first()
    if oldest is not None:
        wait = (oldest + stale_after() - timezone.now()).total_seconds()
        time.sleep(min(max(wait, 0.0) + 0.5, stale_after().total_seconds() + 0.5))
    return tick()


SINGLE_STUCK_SECONDS = 60  # a single send pending this long has lost its task (or its retry is due)


def requeue_stuck_singles(now=None, limit: int = 5000) -> int:
    """Single sends (API, OTP, test sends: no campaign) still pending because their task
    died, hit a database error, or left a retry for later: queue them again. The send task
    claims with a compare-and-set, so a message queued twice is still sent once."""
    from campaigns.services.messaging import queue_send

    now = now or timezone.now()
    ids = list(
        Message.objects.filter(campaign__isnull=True, status=S.PENDING)
        .filter(Q(next_attempt_at__isnull=True, updated_at__lt=now - timedelta(seconds=SINGLE_STUCK_SECONDS)) | Q(next_attempt_at__lte=now))
        .order_by("updated_at")
        .values_list("pk", flat=True)[:limit]
    )
    for start in range(0, len(ids), 500):
        queue_send(ids[start : start + 500])
    return len(ids)


def _stalled(campaign: Campaign) -> bool:
    beat = clock.last_beat(clock.campaign_beat_key(campaign.pk))
    return beat is None or time.time() - beat > stall_seconds()


def retention() -> dict[str, int]:
    """The retention policy (campaigns/services/retention.py), then old rate counters."""
    from campaigns.services.retention import run

    done = run()
    old_minute = clock.minute() - 24 * 60
    stale = [k for k in EngineClock.objects.filter(Q(key__startswith="sent:") | Q(key__startswith="err:")).values_list("key", flat=True)]
    old = [k for k in stale if int(k.rsplit(":", 1)[1]) < old_minute]
    EngineClock.objects.filter(key__in=old).delete()
    return {**done, "counters": len(old)}


def squash() -> int:
    return squash_counts()
