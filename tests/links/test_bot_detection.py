"""Which taps are people's: link-preview fetchers, crawlers, HEAD requests and taps within a
second of delivery are not; in-app browsers of people are."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from campaigns.views.short_links import bot_reason

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
PREVIEWS = [
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "WhatsApp/2.23.20.0 A",
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "Twitterbot/1.0",
    "TelegramBot (like TwitterBot)",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "LinkedInBot/1.0 (compatible; Mozilla/5.0)",
    "Discordbot/2.0",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0 Safari/537.36",
]
PEOPLE = [
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 [LinkedInApp]",
    "Mozilla/5.0 (iPhone) Mobile/15E148 [FBAN/FBIOS;FBAV/400.0]",
    "",
]


@pytest.mark.parametrize("agent", PREVIEWS)
def test_preview_agents(agent):
    assert bot_reason("GET", agent, None, NOW) == "preview agent"


@pytest.mark.parametrize("agent", PEOPLE)
def test_people(agent):
    assert bot_reason("GET", agent, NOW - timedelta(minutes=5), NOW) == ""


def test_head_and_too_soon():
    assert bot_reason("HEAD", PEOPLE[0], None, NOW) == "head request"
    assert bot_reason("GET", PEOPLE[0], NOW - timedelta(milliseconds=400), NOW) == "too soon after delivery"
    assert bot_reason("GET", PEOPLE[0], NOW - timedelta(seconds=2), NOW) == ""
