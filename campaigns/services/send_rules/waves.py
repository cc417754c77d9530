"""A campaign's waves: how many recipients are due when, in which zone, and how many of
them went out so far."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import Count, F

from campaigns.models import Campaign, Message, SendWave
from campaigns.status import UNSENT_EXPIRY_CODE
from providers.base import MessageStatus as S

REASONS = {"local_time": "Local send time", "quiet_hours": "After quiet hours", "cap": "When the cap allows"}


def record(campaign_id: int, plans: Counter) -> None:
    """Add ``plans`` ({(at, zone, reason): recipients}) to the campaign's waves."""
    for (at, zone, reason), n in plans.items():
        wave, created = SendWave.objects.get_or_create(
            campaign_id=campaign_id, starts_at=at, zone=zone, reason=reason, defaults={"recipients": n}
        )
        if not created:
            SendWave.objects.filter(pk=wave.pk).update(recipients=F("recipients") + n)


@dataclass
class Wave:
    starts_at: datetime
    reason: str
    zones: list[tuple[str, str]] = field(default_factory=list)  # (zone, local time "10:00")
    recipients: int = 0
    sent: int = 0

    @property
    def reason_label(self) -> str:
        return REASONS.get(self.reason, "")

    @property
    def done(self) -> bool:
        return self.sent >= self.recipients


def summary(campaign: Campaign) -> list[Wave]:
    """The campaign's waves in time order, with what each has sent so far (messages handed
    to the provider, counted per planned moment on the campaign's wave index)."""
    rows = list(SendWave.objects.filter(campaign=campaign).order_by("starts_at", "zone"))
    if not rows:
        return []
    gone = (
        Message.objects.filter(campaign=campaign)
        .exclude(status__in=[S.PENDING, S.QUEUED, S.CANCELLED])
        .exclude(status=S.EXPIRED, error_code=UNSENT_EXPIRY_CODE)  # never handed over
        .values("not_before")
        .annotate(n=Count("id"))
        .values_list("not_before", "n")
    )
    sent = Counter({at: n for at, n in gone})
    waves: dict[tuple, Wave] = {}
    for row in rows:
        wave = waves.setdefault((row.starts_at, row.reason), Wave(starts_at=row.starts_at, reason=row.reason))
        wave.zones.append((row.zone, row.starts_at.astimezone(ZoneInfo(row.zone)).strftime("%H:%M")))
        wave.recipients += row.recipients
    for wave in waves.values():
        wave.sent = min(wave.recipients, sent.get(wave.starts_at, 0))
    return sorted(waves.values(), key=lambda w: w.starts_at)
