"""The API switches link tracking per campaign (``track_links``, on by default) and reports
clicks in the campaign stats."""

from __future__ import annotations

from campaigns.models import Campaign

URL = "/api/v1/campaigns"


def test_track_links_is_on_by_default_and_can_be_switched_off(api, vt_connection):
    created = api.post(URL, {"name": "Sale", "connection": vt_connection.pk, "text": "See https://shop.test"}).json()
    assert created["track_links"] is True
    changed = api.patch(f"{URL}/{created['id']}", {"track_links": False}).json()
    assert changed["track_links"] is False and Campaign.objects.get(pk=created["id"]).track_links is False
    assert api.patch(f"{URL}/{created['id']}", {"track_links": "maybe"}).status_code == 400


def test_stats_carry_clicks(api, vt_connection):
    created = api.post(URL, {"name": "Sale", "connection": vt_connection.pk, "text": "hi"}).json()
    stats = api.get(f"{URL}/{created['id']}/stats").json()
    assert stats["clicks"] == {"clicks": 0, "unique_clickers": 0, "ctr": None, "bot_clicks": 0}
