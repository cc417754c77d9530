"""Per-campaign status counts as delta rows (StatusCount): writers only insert, readers
sum a handful of rows, a periodic job squashes them. The campaign page costs the same at
100 or 1,000,000 messages."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import Count, Sum

from campaigns.models import Message, StatusCount
from campaigns.models.messages import current_hour
from campaigns.status import ORDER

# (account_id, campaign_id or None, status) -> delta
Deltas = Counter


def record_deltas(deltas: Counter, not_sent: str | None = None) -> None:
    """Insert one row per non-zero (account, campaign, status) delta, stamped with the
    current hour. ``not_sent`` names the status whose additions are of messages never handed
    to a provider (an expiry before sending). Call inside the transaction that changed the
    statuses."""
    hour = current_hour()
    rows = [
        StatusCount(
            account_id=account_id, campaign_id=campaign_id, status=status, count=n, hour=hour, not_sent=bool(n > 0 and status == not_sent)
        )
        for (account_id, campaign_id, status), n in deltas.items()
        if n
    ]
    if rows:
        StatusCount.objects.bulk_create(rows)


def transition_deltas(rows: Iterable[tuple[int, int | None, str]], new_status: str) -> Counter:
    """Deltas for moving rows of (account_id, campaign_id, old_status) to new_status."""
    deltas: Counter = Counter()
    for account_id, campaign_id, old in rows:
        if old == new_status:
            continue
        deltas[(account_id, campaign_id, old)] -= 1
        deltas[(account_id, campaign_id, new_status)] += 1
    return deltas


def empty_counts() -> dict[str, int]:
    return {str(s): 0 for s in ORDER}


def campaign_counts(campaign) -> dict[str, int]:
    """Every status key with its count, plus "total"."""
    counts = empty_counts()
    rows = StatusCount.objects.filter(campaign_id=campaign.pk).values("status").annotate(n=Sum("count"))
    for row in rows:
        counts[row["status"]] = int(row["n"] or 0)
    counts["total"] = sum(counts[str(s)] for s in ORDER)
    return counts


def account_counts(account, since: datetime | None = None) -> dict[str, int]:
    """Status counts of every message of the account (campaigns and single sends).

    Without ``since`` this sums the delta rows; with it, it counts the messages created
    since then (a bounded window, served by the (account, -id) index)."""
    counts = empty_counts()
    if since is None:
        rows = StatusCount.objects.filter(account_id=account.pk).values("status").annotate(n=Sum("count"))
        for row in rows:
            counts[row["status"]] = int(row["n"] or 0)
    else:
        rows = Message.objects.filter(account_id=account.pk, created_at__gte=since).values("status").annotate(n=Count("id"))
        for row in rows:
            counts[row["status"]] = row["n"]
    counts["total"] = sum(counts[str(s)] for s in ORDER)
    return counts


def squash_counts() -> int:
    """Fold the delta rows of each (account, campaign, status, hour, not_sent) into one row.
    Returns how many rows were removed. Safe to run while writers insert: only rows read are
    deleted."""
    removed = 0
    fields = ("account_id", "campaign_id", "status", "hour", "not_sent")
    keys = StatusCount.objects.values(*fields).annotate(rows=Count("id")).filter(rows__gt=1).values_list(*fields)
    for account_id, campaign_id, status, hour, not_sent in list(keys):
        with transaction.atomic():
            qs = StatusCount.objects.select_for_update().filter(
                account_id=account_id, campaign_id=campaign_id, status=status, hour=hour, not_sent=not_sent
            )
            ids, total = [], 0
            for pk, n in qs.values_list("id", "count"):
                ids.append(pk)
                total += n
            if len(ids) < 2:
                continue
            StatusCount.objects.filter(pk__in=ids).delete()
            StatusCount.objects.create(
                account_id=account_id, campaign_id=campaign_id, status=status, count=total, hour=hour, not_sent=not_sent, is_squashed=True
            )
            removed += len(ids) - 1
    return removed


def recount_campaign(campaign) -> dict[str, int]:
    """Rebuild a campaign's delta rows from its messages (repair tool; O(messages)): one row
    per status and hour of the messages' last change."""
    with transaction.atomic():
        StatusCount.objects.filter(campaign_id=campaign.pk).delete()
        StatusCount.objects.bulk_create(
            [
                StatusCount(
                    account_id=campaign.account_id,
                    campaign_id=campaign.pk,
                    status=status,
                    count=n,
                    hour=hour,
                    not_sent=not_sent,
                    is_squashed=True,
                )
                for (status, hour, not_sent), n in rows_by_hour(Message.objects.filter(campaign_id=campaign.pk)).items()
            ]
        )
    return campaign_counts(campaign)


def rows_by_hour(messages) -> Counter:
    """{(status, hour of the last change, not sent): count} of the messages, read in Python
    (the ORM's hour truncation runs Python per row on SQLite anyway)."""
    from campaigns.status import UNSENT_EXPIRY_CODE

    tally: Counter = Counter()
    for status, updated_at, error_code in messages.values_list("status", "updated_at", "error_code").iterator(chunk_size=5000):
        hour = updated_at.replace(minute=0, second=0, microsecond=0)
        tally[(status, hour, status == "expired" and error_code == UNSENT_EXPIRY_CODE)] += 1
    return tally
