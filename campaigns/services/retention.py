"""Retention: how long provider HTTP logs, webhook bodies, message texts and clicks are kept,
and the periodic job (django-q2 schedule "engine: retention") that enforces it.

Work happens in small batches (short write transactions next to the send pipeline) within a
time budget; what is left is done by the next run. Rows are deleted, except messages, which
are archived: their text is blanked and the row stays, so campaign counts, reports and the
ledger (which refers to campaigns and messages by id) stay right. A setting of 0 days keeps
that kind of record forever."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.db.models import Model, QuerySet
from django.utils import timezone

BATCH = 1000
TIME_BUDGET_SECONDS = 30.0


@dataclass(frozen=True)
class Policy:
    provider_calls_days: int
    webhook_bodies_days: int
    message_bodies_days: int
    clicks_days: int

    def describe(self) -> str:
        """One line for the admin pages."""
        parts = [
            ("provider HTTP calls", self.provider_calls_days),
            ("webhook bodies", self.webhook_bodies_days),
            ("message and reply texts", self.message_bodies_days),
            ("link clicks", self.clicks_days),
        ]
        return "; ".join(f"{name} {_days(days)}" for name, days in parts) + "."


def _days(days: int) -> str:
    return "kept forever" if days <= 0 else f"{days} day{'s' if days != 1 else ''}"


def policy() -> Policy:
    return Policy(
        provider_calls_days=settings.PROVIDER_CALL_RETENTION_DAYS,
        webhook_bodies_days=settings.WEBHOOK_BODY_RETENTION_DAYS,
        message_bodies_days=settings.MESSAGE_BODY_RETENTION_DAYS,
        clicks_days=settings.CLICK_RETENTION_DAYS,
    )


class Budget:
    def __init__(self, seconds: float) -> None:
        self.ends = time.monotonic() + seconds

    def left(self) -> bool:
        return time.monotonic() < self.ends


def run(now: datetime | None = None, *, batch: int = BATCH, seconds: float = TIME_BUDGET_SECONDS) -> dict[str, int]:
    """Apply the whole policy once; returns how many rows each rule deleted or archived."""
    from campaigns.models import Conversation, InboundMessage, Message
    from campaigns.status import FINAL
    from providers.models import ProviderCall, WebhookEvent

    now, rules, budget = now or timezone.now(), policy(), Budget(seconds)
    done = {
        "provider_calls": delete_older(ProviderCall.objects.all(), "created_at", rules.provider_calls_days, now, batch, budget),
        # An event not yet applied stays whatever its age: its body is still needed.
        "webhook_events": delete_older(
            WebhookEvent.objects.exclude(outcome=WebhookEvent.Outcome.RECEIVED),
            "received_at",
            rules.webhook_bodies_days,
            now,
            batch,
            budget,
        ),
        "message_texts": archive_older(
            Message.objects.filter(status__in=FINAL).exclude(text=""),
            "created_at",
            rules.message_bodies_days,
            now,
            batch,
            budget,
            blank={"text": ""},
        ),
        "reply_texts": archive_older(
            InboundMessage.objects.exclude(text="", raw={}),
            "received_at",
            rules.message_bodies_days,
            now,
            batch,
            budget,
            blank={"text": "", "raw": {}},
        ),
        # A conversation's preview is a copy of its latest text: it goes with the texts.
        "conversation_previews": archive_older(
            Conversation.objects.exclude(last_text=""),
            "last_message_at",
            rules.message_bodies_days,
            now,
            batch,
            budget,
            blank={"last_text": ""},
        ),
        "clicks": 0,
    }
    click_model = _click_model()
    if click_model is not None:
        done["clicks"] = delete_older(click_model.objects.all(), _time_field(click_model), rules.clicks_days, now, batch, budget)
    return done


def delete_older(qs: QuerySet, field: str, days: int, now: datetime, batch: int, budget: Budget) -> int:
    """Delete rows older than ``days``, oldest first, ``batch`` at a time."""

    def step(ids: list[int]) -> int:
        return qs.model._default_manager.filter(pk__in=ids).delete()[0]

    return _in_batches(qs, field, days, now, batch, budget, step)


def archive_older(qs: QuerySet, field: str, days: int, now: datetime, batch: int, budget: Budget, *, blank: dict) -> int:
    """Blank the given fields of rows older than ``days``; the rows stay."""

    def step(ids: list[int]) -> int:
        return qs.model._default_manager.filter(pk__in=ids).update(**blank)

    return _in_batches(qs, field, days, now, batch, budget, step)


def _in_batches(qs: QuerySet, field: str, days: int, now: datetime, batch: int, budget: Budget, step: Callable[[list[int]], int]) -> int:
    if days <= 0:
        return 0
    old = qs.filter(**{f"{field}__lt": now - timedelta(days=days)}).order_by("pk").values_list("pk", flat=True)
    total = 0
    while budget.left():
        ids = list(old[:batch])
        if not ids:
            break
        total += step(ids)
    return total


def _click_model() -> type[Model] | None:
    """Link clicks, once the tracking area has its model (campaigns.Click or tracking.Click)."""
    for label in ("campaigns", "tracking"):
        try:
            return apps.get_model(label, "Click")
        except LookupError:
            continue
    return None


def _time_field(model: type[Model]) -> str:
    names = {f.name for f in model._meta.get_fields()}
    return next(name for name in ("clicked_at", "created_at", "at") if name in names)
