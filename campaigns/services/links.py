"""Click counts of tracked short links, for pages, the API, segments and A/B tests.

Every count here leaves out bot clicks (link previews, HEAD requests, clicks within a
second of delivery): those are recorded with ``is_bot`` and shown apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncHour

from campaigns.models import Campaign, Click, ShortLink
from campaigns.services.counts import campaign_counts
from campaigns.services.rates import rates


def human_clicks(campaign: Campaign | int) -> QuerySet[Click]:
    """The campaign's clicks by people (bots left out)."""
    campaign_id = campaign if isinstance(campaign, int) else campaign.pk
    return Click.objects.filter(campaign_id=campaign_id, is_bot=False)


def unique_clickers(campaign: Campaign | int, message_ids_or_queryset: Iterable[int] | QuerySet | None = None) -> int:
    """How many recipients clicked at least once. With ``message_ids_or_queryset`` (message
    ids, or a queryset of messages or of their ids), only clicks on those messages count: an
    A/B variant's share. One message is one recipient."""
    clicks = human_clicks(campaign)
    if message_ids_or_queryset is not None:
        clicks = clicks.filter(message_id__in=message_ids_or_queryset)
    return clicks.values("message_id").distinct().count()


def clicks_by_campaign(campaign: Campaign) -> dict:
    """``{"clicks", "unique_clickers", "ctr", "delivered", "bot_clicks"}``: ctr is unique
    clickers / delivered in percent (1 decimal), None while nothing is delivered. Delivered
    is the one definition in campaigns/services/rates.py."""
    clicks = human_clicks(campaign)
    total = clicks.count()
    unique = unique_clickers(campaign)
    delivered = rates(campaign_counts(campaign), campaign.expired_unsent).delivered
    return {
        "clicks": total,
        "unique_clickers": unique,
        "ctr": click_through_rate(unique, delivered),
        "delivered": delivered,
        "bot_clicks": Click.objects.filter(campaign_id=campaign.pk, is_bot=True).count(),
    }


def click_through_rate(unique: int, delivered: int) -> float | None:
    """Unique clickers / delivered, in percent with 1 decimal; None when nothing is delivered."""
    return round(100 * unique / delivered, 1) if delivered else None


def contacts_who_clicked(account, since: datetime) -> QuerySet:
    """Ids of the account's contacts who clicked a link (not as a bot) at or after ``since``:
    a ``values_list("contact_id", flat=True)`` queryset, usable in ``pk__in=``."""
    account_id = account if isinstance(account, int) else account.pk
    return (
        Click.objects.filter(account_id=account_id, is_bot=False, clicked_at__gte=since, contact_id__isnull=False)
        .values_list("contact_id", flat=True)
        .distinct()
    )


def click_payload(click: Click, url: str, subaccount_id: int | None = None) -> dict:
    """The ``message.clicked`` event's data (campaigns/services/click_writer.py emits it)."""
    return {
        "message_id": click.message_id,
        "campaign_id": click.campaign_id,
        "contact_id": click.contact_id,
        "subaccount_id": subaccount_id,
        "url": url,
        "clicked_at": click.clicked_at,
        "user_agent": click.user_agent,
    }


TOP_LINKS = 10


def click_report(campaign: Campaign) -> dict | None:
    """What the campaign page shows about clicks, or None when the campaign has no tracked
    link: totals, the links by clicks (top first), clicks per hour."""
    if not ShortLink.objects.filter(campaign_id=campaign.pk).exists():
        return None
    clicks = human_clicks(campaign)
    links = list(
        clicks.values("link__url").annotate(clicks=Count("id"), unique=Count("message_id", distinct=True)).order_by("-clicks", "link__url")
    )
    per_hour = clicks.annotate(hour=TruncHour("clicked_at")).values("hour").annotate(n=Count("id")).order_by("hour")
    return {
        **clicks_by_campaign(campaign),
        "links": [{"url": row["link__url"], "clicks": row["clicks"], "unique": row["unique"]} for row in links[:TOP_LINKS]],
        "more_links": max(len(links) - TOP_LINKS, 0),
        "tracked_urls": ShortLink.objects.filter(campaign_id=campaign.pk).values("url").distinct().count(),
        "over_time": [[row["hour"].isoformat(), row["n"]] for row in per_hour],
    }


def contact_clicks(contact, campaigns: QuerySet | None = None, limit: int = 50) -> list[Click]:
    """A contact's latest clicks (people's and bots'), with the link and campaign; only on
    ``campaigns`` when given (what the viewer may see)."""
    clicks = Click.objects.filter(contact=contact)
    if campaigns is not None:
        clicks = clicks.filter(campaign__in=campaigns)
    return list(clicks.select_related("link", "campaign").order_by("-clicked_at")[:limit])
