"""Links in a WhatsApp template's variables get per-recipient short links like a text's (the
template's own words are the provider's and are left alone); ``!URL`` stays untracked and a
campaign with tracking off sends its URLs as written."""

from __future__ import annotations

from django.test import Client

from campaigns.models import Click, Message, ShortLink
from campaigns.services.links import clicks_by_campaign
from campaigns.services.materialize import materialize
from campaigns.services.shortener import short_url
from tests.engine.conftest import add_contacts, make_campaign, numbers

OFFER = "https://shop.test/offer?src=wa"
CONTENT = {"type": "template", "template_id": "42", "variables": ["{{ first_name }}", f"See {OFFER}.", "!https://shop.test/terms"]}


def template_campaign(world, **kw):
    audience = add_contacts(world.account, numbers(3), first_name="Sam")
    return make_campaign(world, audience, channel="whatsapp", sender=None, text="", content=CONTENT, **kw)


def test_each_recipient_gets_its_own_short_link_in_the_variables(engine_world):
    campaign = template_campaign(engine_world)
    assert materialize(campaign, enqueue=False) == 3
    messages = list(Message.objects.filter(campaign=campaign).order_by("pk"))
    codes = set()
    for message in messages:
        link = ShortLink.objects.get(message=message)
        assert (link.url, link.campaign_id, link.contact_id) == (OFFER, campaign.pk, message.contact_id)
        assert message.payload["variables"] == ["Sam", f"See {short_url(link.code)}.", "https://shop.test/terms"]
        codes.add(link.code)
    assert len(codes) == 3
    assert content_unchanged(campaign)

    response = Client(HTTP_USER_AGENT="Mozilla/5.0 (iPhone)").get(f"/l/{codes.pop()}")
    assert response.status_code == 302 and response["Location"] == OFFER
    assert Click.objects.filter(campaign=campaign).count() == 1 and clicks_by_campaign(campaign)["clicks"] == 1


def test_tracking_off_sends_the_urls_as_written(engine_world):
    campaign = template_campaign(engine_world, track_links=False)
    materialize(campaign, enqueue=False)
    message = Message.objects.filter(campaign=campaign).first()
    assert message.payload["variables"] == ["Sam", f"See {OFFER}.", "https://shop.test/terms"]
    assert not ShortLink.objects.exists()


def content_unchanged(campaign) -> bool:
    campaign.refresh_from_db()
    return campaign.content == CONTENT
