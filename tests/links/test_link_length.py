"""A tracked link counts at the short link's length everywhere a text is measured: the
estimate, the messages made at launch, the composer's preview and its counter's server
answer. With tracking off, the long URL counts."""

from __future__ import annotations

from campaigns.models import Message, ShortLink
from campaigns.services.estimate import estimate
from campaigns.services.materialize import materialize
from campaigns.services.shortener import CODE_LENGTH, measured, short_url, shorten
from tests.conftest import login
from tests.engine.conftest import add_contacts, make_campaign, numbers

LONG_URL = "https://shop.example.com/spring/" + "x" * 150  # alone more than one SMS
TEXT = f"Spring sale: {LONG_URL}"


def test_short_link_shape():
    short = shorten(f"Go {LONG_URL}, now. Again: {LONG_URL}!")
    (code, url), *rest = short.links
    assert not rest and url == LONG_URL and len(code) == CODE_LENGTH  # one link per URL per recipient
    assert short.text == f"Go {short_url(code)}, now. Again: {short_url(code)}!"
    assert shorten("Terms: !https://t.example/x.").text == "Terms: https://t.example/x."
    assert len(measured(TEXT)) == len(shorten(TEXT).text)


def test_estimate_and_messages_count_the_short_link(engine_world):
    contacts = add_contacts(engine_world.account, numbers(2, prefix="+44770"))
    campaign = make_campaign(engine_world, contacts, text=TEXT)
    assert estimate(campaign).units == 2  # one segment each

    materialize(campaign)

    assert set(Message.objects.filter(campaign=campaign).values_list("segments", flat=True)) == {1}
    assert ShortLink.objects.filter(campaign=campaign).count() == 2


def test_tracking_off_counts_the_long_url(engine_world):
    contacts = add_contacts(engine_world.account, numbers(2, prefix="+44770"))
    campaign = make_campaign(engine_world, contacts, text=TEXT, track_links=False)
    assert estimate(campaign).units == 4

    materialize(campaign)

    assert set(Message.objects.filter(campaign=campaign).values_list("text", "segments")) == {(TEXT, 2)}
    assert not ShortLink.objects.exists()


def test_composer_preview_measures_the_short_link(engine_world):
    client = login(engine_world.marketer)
    tracked = client.post("/campaigns/compose/preview.json", {"text": TEXT}).json()
    assert tracked["text_info"]["segments"] == tracked["rendered_info"]["segments"] == 1
    assert "/l/" in tracked["rendered"] and LONG_URL not in tracked["rendered"]
    plain = client.post("/campaigns/compose/preview.json", {"text": TEXT, "track_links": "0"}).json()
    assert plain["rendered_info"]["segments"] == 2 and LONG_URL in plain["rendered"]
