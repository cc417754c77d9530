"""A campaign with a link in its text: each recipient gets their own short link through
the provider's simulator; a tap redirects (302) and shows on the campaign's stats (API and
page) as 1 click / 1 unique; previews and HEAD requests do not count; an unknown code is a
plain 404 page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from campaigns.models import ApiKey, Click, Message, ShortLink
from campaigns.services.links import clicks_by_campaign
from tests.api.conftest import Api
from tests.conftest import login
from tests.e2e.conftest import compose, run

URL = "https://shop.example.com/sale?utm=sms"
NUMBERS = ["+923001234512", "+923001234522", "+923001234532"]
SHORT = re.compile(r"http://testserver/l/([A-Za-z0-9]{7})\b")


@pytest.fixture
def sent(demo):
    campaign = compose(
        demo,
        {"name": "Sale", "channel": "sms", "connection": demo.connections["vt"].pk},
        sender=demo.senders["sms"],
        content={"text": f"Hello {{{{ first_name }}}}, our sale: {URL}. Terms: !https://shop.example.com/terms", "track_links": "on"},
        numbers=NUMBERS,
        list_name="Sale",
    )
    campaign = run(demo, campaign)
    # Delivered a minute ago: a tap now is a person's, not a preview fired on arrival.
    Message.objects.filter(campaign=campaign).update(delivered_at=timezone.now() - timedelta(minutes=1))
    return campaign


def test_each_recipient_gets_their_own_short_link_at_the_provider(demo, sent):
    bodies = [r.content.decode() for r in demo.transport.to("vt") if "/l/" in r.content.decode()]
    codes = [SHORT.search(body)[1] for body in bodies]
    assert len(codes) == len(NUMBERS) == len(set(codes))
    assert all(URL not in body and "shop.example.com/terms" in body and "!https" not in body for body in bodies)
    links = ShortLink.objects.filter(campaign=sent)
    assert set(links.values_list("code", flat=True)) == set(codes)
    assert set(links.values_list("url", flat=True)) == {URL}
    for message in Message.objects.filter(campaign=sent):
        link = links.get(message=message)
        assert link.contact_id == message.contact_id and f"/l/{link.code}" in message.text


def test_a_tap_redirects_and_counts_once(demo, sent):
    link = ShortLink.objects.filter(campaign=sent).first()
    phone = Client(HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 14) Chrome/126 Mobile")
    response = phone.get(f"/l/{link.code}")
    assert response.status_code == 302 and response["Location"] == URL
    assert "Set-Cookie" not in response.headers  # no session: the browser middleware was skipped

    assert clicks_by_campaign(sent)["clicks"] == 1
    _, key = ApiKey.generate(account=demo.account, name="reports", read_only=True, created_by=demo.world.admin)
    stats = Api(key).get(f"/api/v1/campaigns/{sent.pk}/stats").json()
    assert stats["clicks"] == {"clicks": 1, "unique_clickers": 1, "ctr": 33.3, "bot_clicks": 0}
    page = login(demo.world.marketer).get(f"/campaigns/{sent.pk}/").content.decode()
    assert 'id="click-total">1<' in page and 'id="click-unique">1<' in page and "33.3%" in page


def test_previews_and_head_requests_are_not_clicks(demo, sent):
    code = ShortLink.objects.filter(campaign=sent).first().code
    assert Client().head(f"/l/{code}").status_code == 302
    for agent in ("facebookexternalhit/1.1", "WhatsApp/2.23.20.0 A", "Slackbot-LinkExpanding 1.0", "TelegramBot (like TwitterBot)"):
        assert Client(HTTP_USER_AGENT=agent).get(f"/l/{code}").status_code == 302
    stats = clicks_by_campaign(sent)
    assert (stats["clicks"], stats["unique_clickers"], stats["bot_clicks"]) == (0, 0, 5)
    assert set(Click.objects.values_list("bot_reason", flat=True)) == {"head request", "preview agent"}


def test_a_tap_within_a_second_of_delivery_is_a_preview(demo, sent):
    link = ShortLink.objects.filter(campaign=sent).first()
    Message.objects.filter(pk=link.message_id).update(delivered_at=timezone.now())
    Client().get(f"/l/{link.code}")
    assert Click.objects.get().bot_reason == "too soon after delivery"
    assert clicks_by_campaign(sent)["clicks"] == 0


def test_unknown_and_expired_codes_are_a_plain_404(demo, sent, settings):
    response = Client().get("/l/nope123")
    assert response.status_code == 404 and b"This link does not work" in response.content
    link = ShortLink.objects.filter(campaign=sent).first()
    ShortLink.objects.filter(pk=link.pk).update(created_at=timezone.now() - timedelta(days=settings.SHORT_LINK_DAYS + 1))
    assert Client().get(f"/l/{link.code}").status_code == 404
    assert not Click.objects.exists()


def test_tracking_off_sends_the_long_url(demo):
    campaign = compose(
        demo,
        {"name": "Plain", "channel": "sms", "connection": demo.connections["vt"].pk},
        sender=demo.senders["sms"],
        content={"text": f"Sale: {URL}", "track_links": ""},
        numbers=NUMBERS[:1],
        list_name="Plain",
    )
    assert campaign.track_links is False
    run(demo, campaign)
    assert Message.objects.get(campaign=campaign).text == f"Sale: {URL}"
    assert not ShortLink.objects.exists()
