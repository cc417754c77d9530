"""Small shared state of the send engine: rate buckets and heartbeats.

One row per key ("rate:conn:5", "beat:campaign:7", "beat:cluster"), updated with short
transactions so every worker process on every machine sees the same clock."""

from __future__ import annotations

from django.db import models
from django.db.models.signals import post_migrate


class EngineClock(models.Model):
    key = models.CharField(max_length=80, primary_key=True)
    value = models.FloatField(default=0.0, help_text="Unix time (rate buckets: the next free slot).")

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class BatchPoll(models.Model):
    """A provider batch (VavaSMS lot) whose statuses the engine asks for, as one request per
    batch, backing off with age, until every message in it has a final status."""

    connection = models.ForeignKey("providers.ProviderConnection", on_delete=models.CASCADE, related_name="batch_polls")
    batch_id = models.CharField(max_length=80)
    created_at = models.DateTimeField(auto_now_add=True)
    next_poll_at = models.DateTimeField()
    polls = models.PositiveIntegerField(default=0)
    done = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["connection", "batch_id"], name="batch_poll_unique")]
        indexes = [models.Index(fields=["done", "next_poll_at"], name="batch_poll_due")]

    def __str__(self) -> str:
        return f"{self.batch_id} ({self.polls} polls)"


def _create_engine_schedules(sender, using: str = "default", **kwargs) -> None:
    """After `migrate`, the engine's periodic tasks exist (tick, squash, retention)."""
    if getattr(sender, "name", "") != "campaigns":
        return
    from campaigns.services.maintenance import ensure_schedules

    ensure_schedules(force=True, using=using)


post_migrate.connect(_create_engine_schedules, dispatch_uid="campaigns-engine-schedules")
