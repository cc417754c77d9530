"""Quiet hours at send time. Materialization already plans each message past the quiet
hours, but a campaign resumed late in the evening, a retry due at night or a wave released
late can come due inside them. The send path asks ``QuietGate.admit`` about each chunk
before claiming it: a marketing message whose recipient is inside quiet hours now waits
(``next_attempt_at``) until they end in the recipient's zone; it is never dropped, and the
campaign's expiry still ends it. Transactional messages are exempt.

Per chunk: one query for its recipients, each distinct zone's window computed once, one
UPDATE per distinct release moment."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.db.models import F
from django.utils import timezone

from campaigns.models import Campaign, Message
from campaigns.services.send_rules import timing
from campaigns.services.send_rules.zones import ZONE_ATTRIBUTE, candidate_zones
from providers.base import MessageStatus as S


class QuietGate:
    """The account's quiet hours for one batch task of ``campaign``."""

    def __init__(self, campaign: Campaign) -> None:
        account = campaign.account
        self.campaign_id = campaign.pk
        self.quiet: tuple[time, time] | None = (account.quiet_start, account.quiet_end) if account.quiet_hours_enabled else None
        self.rule = account.multi_zone_rule
        self.account_zone = timing.plan_zone(account.timezone)

    def admit(self, fetch: Callable[[], list[int]]) -> list[int]:
        """The next due ids (``fetch``) whose recipients are outside quiet hours now; the
        others are deferred and the next ones fetched, until some may go or none are due."""
        while True:
            ids = fetch()
            if not ids or self.quiet is None:
                return ids
            held = self.hold(ids, timezone.now())
            if len(held) < len(ids):
                return [i for i in ids if i not in held]

    def hold(self, ids: list[int], now: datetime) -> set[int]:
        """Defer those of ``ids`` inside quiet hours at ``now``; returns their ids."""
        if self.quiet is None:
            return set()
        rows = Message.objects.filter(pk__in=ids, transactional=False).values_list("pk", "to", f"contact__attributes__{ZONE_ATTRIBUTE}")
        releases: dict[tuple[str, ...], datetime | None] = {}
        by_release: dict[datetime, list[int]] = defaultdict(list)
        for pk, phone, attribute in rows:
            zones = self._zones(phone, attribute)
            if zones not in releases:
                releases[zones] = self._release(zones, now)
            if releases[zones] is not None:
                by_release[releases[zones]].append(pk)
        deferred = 0
        for release, pks in by_release.items():
            deferred += Message.objects.filter(pk__in=pks, status=S.PENDING).update(next_attempt_at=release)
        if deferred:
            Campaign.objects.filter(pk=self.campaign_id).update(deferred_quiet=F("deferred_quiet") + deferred)
        return {pk for pks in by_release.values() for pk in pks}

    def _zones(self, phone: str, attribute: object) -> tuple[str, ...]:
        zones = candidate_zones(phone, attribute, self.account_zone)
        return (self.account_zone,) if len(zones) > 1 and self.rule == "account" else zones

    def _release(self, zones: tuple[str, ...], now: datetime) -> datetime | None:
        """When quiet hours end for a recipient in ``zones`` (None: not quiet now). A number
        spanning zones follows the account's rule: the earliest or the latest of them."""
        moments = [timing.after_quiet(now, self.quiet, ZoneInfo(z)) or now for z in zones]
        at = max(moments) if self.rule == "latest" else min(moments)
        return at if at > now else None
