"""Small shared state of the send engine: rate buckets and heartbeats.

One row per key ("rate:conn:5", "beat:campaign:7", "beat:cluster"), updated with short
transactions so every worker process on every machine sees the same clock."""

from __future__ import annotations

from django.db import models


class EngineClock(models.Model):
    key = models.CharField(max_length=80, primary_key=True)
    value = models.FloatField(default=0.0, help_text="Unix time (rate buckets: the next free slot).")

    def __str__(self) -> str:
        return f"{self.key}={self.value}"
