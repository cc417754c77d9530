"""Send-time rules applied as a campaign materializes: recipient local time, the account's
quiet hours and its frequency cap. ``SendRules(campaign).admit(rows)`` runs inside the
transaction that inserts a page of messages; it gives each message its planned moment
(``not_before``, and ``next_attempt_at`` when later than now, which the pipeline's due
query already honours) and drops or defers recipients over the cap."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from django.db.models import F
from django.utils import timezone

from campaigns.models import Campaign, Contact
from campaigns.services.send_rules import caps, timing, waves
from campaigns.services.send_rules.zones import ZONE_ATTRIBUTE, candidate_zones


class SendRules:
    def __init__(self, campaign: Campaign, start: datetime | None = None) -> None:
        account = campaign.account
        self.campaign = campaign
        self.start = start or timezone.now()
        self.local_time = campaign.local_send_time
        self.quiet = (account.quiet_start, account.quiet_end) if account.quiet_hours_enabled else None
        self.rule = account.multi_zone_rule
        self.account_zone = account.timezone
        self.cap = caps.CapPolicy.for_account(account, campaign.channel)
        self.defer = campaign.cap_mode == "defer"
        self._plans: dict[tuple[str, ...], timing.Plan] = {}

    @property
    def active(self) -> bool:
        return bool(self.local_time or self.quiet or self.cap)

    @property
    def timed(self) -> bool:
        return bool(self.local_time or self.quiet)

    def plan(self, phone: str, zone_attribute: object) -> timing.Plan:
        """When this recipient's message may go, and by which zone."""
        zones = candidate_zones(phone, zone_attribute, self.account_zone)
        if len(zones) > 1 and self.rule == "account":
            zones = (timing.plan_zone(self.account_zone),)
        if zones not in self._plans:
            self._plans[zones] = timing.pick([timing.plan_in(z, self.start, self.local_time, self.quiet) for z in zones], self.rule)
        return self._plans[zones]

    def admit(self, rows: list[dict]) -> list[dict]:
        """Plan each new message; return those that go (over-cap ones skipped in skip mode).
        Call inside the transaction that inserts them."""
        if not self.active or not rows:
            return rows
        plans = self._plan_rows(rows)
        skipped = deferred = 0
        if self.cap is not None:
            caps.lock_contacts(r["contact_id"] for r in rows)
            plans, skipped, deferred = self._apply_cap(plans)
        admitted = []
        for row, plan in plans:
            row["not_before"] = plan.at
            row["next_attempt_at"] = plan.at if plan.at > self.start else None
            admitted.append(row)
        quiet = sum(1 for _, p in plans if p.reason == "quiet_hours")
        if skipped or deferred or quiet:
            Campaign.objects.filter(pk=self.campaign.pk).update(
                dropped_capped=F("dropped_capped") + skipped,
                deferred_capped=F("deferred_capped") + deferred,
                deferred_quiet=F("deferred_quiet") + quiet,
            )
        waves.record(self.campaign.pk, Counter((p.at, p.zone, p.reason) for _, p in plans if p.reason))
        return admitted

    def _plan_rows(self, rows: list[dict]) -> list[tuple[dict, timing.Plan]]:
        if not self.timed:
            now = timing.Plan(at=self.start, zone=self.account_zone, reason="")
            return [(row, now) for row in rows]
        attributes = dict(
            Contact.objects.filter(pk__in=[r["contact_id"] for r in rows if r["contact_id"]]).values_list(
                "pk", f"attributes__{ZONE_ATTRIBUTE}"
            )
        )
        return [(row, self.plan(row["to"], attributes.get(row["contact_id"]))) for row in rows]

    def _apply_cap(self, plans: list[tuple[dict, timing.Plan]]) -> tuple[list[tuple[dict, timing.Plan]], int, int]:
        """Check each planned moment against the cap (one query per distinct moment)."""
        by_moment: dict[datetime, list[str]] = {}
        for row, plan in plans:
            by_moment.setdefault(plan.at, []).append(row["to"])
        blocked: dict[str, datetime] = {}
        for at, phones in by_moment.items():
            blocked.update(caps.over_cap(self.campaign.account_id, self.cap, phones, at))
        kept, skipped, deferred = [], 0, 0
        for row, plan in plans:
            free_at = blocked.get(row["to"])
            if free_at is None:
                kept.append((row, plan))
            elif self.defer:
                kept.append((row, self._deferred(plan, free_at)))
                deferred += 1
            else:
                skipped += 1
        return kept, skipped, deferred

    def _deferred(self, plan: timing.Plan, free_at: datetime) -> timing.Plan:
        """Later, when the cap lets the recipient in again: at the campaign's local send time
        from then on, else on the next full hour (so the deferred form waves, not one moment
        per contact); then past quiet hours there."""
        at = free_at.replace(minute=0, second=0, microsecond=0) + (timedelta(hours=1) if free_at.minute or free_at.second else timedelta())
        later = timing.plan_in(plan.zone, at, self.local_time, self.quiet)
        return timing.Plan(at=later.at, zone=plan.zone, reason="cap")
