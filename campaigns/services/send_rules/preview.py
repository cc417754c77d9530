"""What the send-time rules will do to a campaign, before it launches: the waves, how many
recipients wait for quiet hours and until when, how many are over the frequency cap."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from campaigns.models import Account, Campaign, Subaccount
from campaigns.services.audience import recipients
from campaigns.services.send_rules import SendRules, caps
from campaigns.services.send_rules.waves import REASONS
from campaigns.services.send_rules.zones import ZONE_ATTRIBUTE


@dataclass(frozen=True)
class PlannedWave:
    starts_at: datetime
    zone: str
    reason: str
    recipients: int

    @property
    def local_time(self) -> str:
        return self.starts_at.astimezone(ZoneInfo(self.zone)).strftime("%H:%M")

    @property
    def reason_label(self) -> str:
        return REASONS.get(self.reason, "")


@dataclass
class SendTimePreview:
    waves: list[PlannedWave] = field(default_factory=list)
    quiet_waiting: int = 0
    quiet_until: datetime | None = None  # when the last of them may go
    over_cap: int = 0
    cap_mode: str = "skip"
    cap_text: str = ""

    @property
    def any(self) -> bool:
        return bool(self.waves or self.over_cap or self.cap_text)


def preview(campaign: Campaign, subaccount: Subaccount | None = None, now: datetime | None = None) -> SendTimePreview:
    start = campaign.send_at or now or timezone.now()
    rules = SendRules(campaign, start=start)
    result = SendTimePreview(cap_mode=campaign.cap_mode)
    if not rules.active:
        return result
    audience = recipients(campaign.account, campaign.audience, subaccount)
    if rules.timed:
        plans = Counter(
            rules.plan(phone, zone) for phone, zone in audience.values_list("phone", f"attributes__{ZONE_ATTRIBUTE}").iterator()
        )
        result.waves = sorted(
            (PlannedWave(p.at, p.zone, p.reason, n) for p, n in plans.items() if p.reason),
            key=lambda w: (w.starts_at, w.zone),
        )
        quiet = [w for w in result.waves if w.reason == "quiet_hours"]
        result.quiet_waiting = sum(w.recipients for w in quiet)
        result.quiet_until = max((w.starts_at for w in quiet), default=None)
    if rules.cap is not None:
        result.cap_text = caps.cap_help(campaign.account)
        result.over_cap = caps.over_cap_now(campaign.account_id, rules.cap, audience, start)
    return result


def quiet_hours_text(account: Account) -> str:
    """ "21:00–08:00" when the account keeps quiet hours, else ""."""
    if not account.quiet_hours_enabled:
        return ""
    return f"{account.quiet_start:%H:%M}–{account.quiet_end:%H:%M}"
