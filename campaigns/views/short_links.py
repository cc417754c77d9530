"""The short-link redirect: ``GET /l/<code>`` -> 302 to the campaign's URL, one click recorded.

The lane middleware answers these requests before sessions, authentication, CSRF, messages
and tenancy run (none applies to a recipient's phone), as the webhook lane does. The work
is one indexed lookup (the link, joined to its message for the delivery time) and one
insert. HEAD requests, link-preview fetchers and clicks within a second of delivery are
recorded as bots: kept, never counted (campaigns/services/links.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound, HttpResponseRedirect
from django.template.loader import render_to_string
from django.utils import timezone

from campaigns.models import Click, ShortLink

LINK_PATH = re.compile(r"^/l/(?P<code>[A-Za-z0-9]{1,16})/?$")
# Link previews (chat apps unfurling a URL) and crawlers: "bot" catches most of the rest.
PREVIEW_AGENTS = re.compile(
    r"bot|crawl|spider|slurp|preview|facebookexternalhit|facebookcatalog|whatsapp|telegram|slack|discord|"
    r"skypeuripreview|linkedin|pinterest|embedly|quora link|vkshare|w3c_validator|outbrain|snapchat|iframely|bitlybot|"
    r"google-read-aloud|headless",
    re.I,
)
TOO_SOON = timedelta(seconds=1)
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
    rows = list(ShortLink.objects.filter(code=code).values_list(*COLUMNS)[:1])
    now = timezone.now()
    if not rows or rows[0][6] < now - timedelta(days=settings.SHORT_LINK_DAYS):
        return not_found()
    link_id, url, account_id, campaign_id, contact_id, message_id, _created, delivered_at, subaccount_id = rows[0]
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
    click.save(force_insert=True)
    if not reason:
        from campaigns.services.links import announce_click

        announce_click(click, url, subaccount_id)
    response = HttpResponseRedirect(url)
    response["Cache-Control"] = "no-store"  # every tap comes back here and is counted
    response["Referrer-Policy"] = "no-referrer"
    return response


def not_found() -> HttpResponse:
    return HttpResponseNotFound(render_to_string("links/not_found.html"))


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
