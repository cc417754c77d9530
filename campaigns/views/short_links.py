"""The short-link redirect: ``GET /l/<code>`` -> 302 to the campaign's URL, one click recorded.

The lane middleware answers these requests before sessions, authentication, CSRF, messages
and tenancy run (none applies to a recipient's phone), as the webhook lane does. The work
is one indexed lookup (the link, joined to its message for the delivery time); the click
is written in a batch a moment later (campaigns/services/click_writer.py). HEAD requests, link-preview fetchers and clicks within a second of delivery are
recorded as bots: kept, never counted (campaigns/services/links.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound, HttpResponseRedirect
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from campaigns.models import Click, ShortLink
from campaigns.services.click_writer import writer

LINK_PATH = re.compile(r"^/l/(?P<code>[A-Za-z0-9]{1,16})/?$")
# Link previews (chat apps unfurling a URL) and crawlers: "bot" catches most of the rest.
PREVIEW_AGENTS = re.compile(
    r"bot|crawl|spider|slurp|preview|facebookexternalhit|facebookcatalog|whatsapp|telegram|slack|discord|"
    r"skypeuripreview|linkedin|pinterest|embedly|quora link|vkshare|w3c_validator|outbrain|snapchat|iframely|bitlybot|"
    r"google-read-aloud|headless",
    re.I,
)
TOO_SOON = timedelta(seconds=1)
NOT_FOUND_CSP = "default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
USER_AGENT_MAX = 300
COLUMNS = (
    "pk",
    "url",
    "account_id",
    "campaign_id",
    "contact_id",
    "message_id",
    "created_at",
    "message__delivered_at",
    "message__subaccount_id",
)


def bot_reason(method: str, user_agent: str, delivered_at: datetime | None, now: datetime) -> str:
    """Why this request is not a person's click ("" when it is one)."""
    if method == "HEAD":
        return "head request"
    if PREVIEW_AGENTS.search(user_agent):
        return "preview agent"
    if delivered_at is not None and abs(now - delivered_at) < TOO_SOON:
        return "too soon after delivery"
    return ""


def follow(request: HttpRequest, code: str) -> HttpResponse:
    """Redirect to the link's URL and record the click; a plain 404 page for an unknown or expired code."""
    row = lookup(code)
    now = timezone.now()
    if row is None or row[6] < now - timedelta(days=settings.SHORT_LINK_DAYS):
        return not_found()
    link_id, url, account_id, campaign_id, contact_id, message_id, _created, delivered_at, subaccount_id = row
    user_agent = request.headers.get("User-Agent", "")[:USER_AGENT_MAX]
    reason = bot_reason(request.method or "GET", user_agent, delivered_at, now)
    click = Click(
        link_id=link_id,
        account_id=account_id,
        campaign_id=campaign_id,
        contact_id=contact_id,
        message_id=message_id,
        clicked_at=now,
        user_agent=user_agent,
        is_bot=bool(reason),
        bot_reason=reason,
    )
    writer().add(click, url, subaccount_id)
    response = HttpResponseRedirect(url)
    response["Cache-Control"] = "no-store"  # every tap comes back here and is counted
    response["Referrer-Policy"] = "no-referrer"
    return response


@lru_cache(maxsize=4)
def _lookup_sql(vendor: str) -> str:
    """The link lookup's SQL, built by the ORM once per process (building it per request
    cost more than running it)."""
    sql, params = ShortLink.objects.filter(code="?").values_list(*COLUMNS)[:1].query.sql_with_params()
    assert params == ("?",), params
    return sql


def lookup(code: str) -> tuple | None:
    """(id, url, account, campaign, contact, message, created_at, delivered_at, subaccount) of a code."""
    with connection.cursor() as cursor:
        cursor.execute(_lookup_sql(connection.vendor), [code])
        row = cursor.fetchone()
    if row is None:
        return None
    row = list(row)
    row[6], row[7] = _aware(row[6]), _aware(row[7])
    return tuple(row)


def _aware(value) -> datetime | None:
    """A datetime column as the ORM gives it (SQLite's raw cursor answers naive UTC or text)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = parse_datetime(value)
    return value.replace(tzinfo=UTC) if value is not None and timezone.is_naive(value) else value


def not_found() -> HttpResponse:
    response = HttpResponseNotFound(render_to_string("links/not_found.html"))
    response["Content-Security-Policy"] = NOT_FOUND_CSP  # the lane runs before django-csp
    return response


def short_link(request: HttpRequest, code: str) -> HttpResponse:
    """The URL route (for ``reverse``); the lane below answers first."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
    return follow(request, code)


class ShortLinkLaneMiddleware:
    """Answers ``GET``/``HEAD /l/<code>`` before the browser middleware (sessions,
    authentication, CSRF, messages, tenancy): a recipient's tap needs none of them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith("/l/") and request.method in ("GET", "HEAD"):
            match = LINK_PATH.match(request.path_info)
            if match:
                response = follow(request, match["code"])
                response.headers["Content-Length"] = str(len(response.content))
                return response
        return self.get_response(request)
