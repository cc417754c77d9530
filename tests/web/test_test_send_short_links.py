"""A test send from the review carries a working short link, like the campaign's messages,
and a tap on it counts in none of the campaign's figures."""

from __future__ import annotations

from django.test import Client

from campaigns.models import Click, Message, ShortLink
from campaigns.services.links import clicks_by_campaign

TEST_NUMBER = "+923001234512"


def test_a_test_send_has_its_own_short_link(marketer_client, draft, simulators):
    draft.text = "Hi {{ first_name }}, see https://shop.test/spring"
    draft.save()
    marketer_client.post(f"/campaigns/{draft.pk}/test/", {"to": TEST_NUMBER}, follow=True)

    message = Message.objects.get(test_of=draft)
    link = ShortLink.objects.get(message=message)
    assert link.campaign_id is None and link.url == "https://shop.test/spring"
    assert message.text.endswith(f"/l/{link.code}")

    assert Client(HTTP_USER_AGENT="Mozilla/5.0 (iPhone)").get(f"/l/{link.code}")["Location"] == "https://shop.test/spring"
    assert Click.objects.get().campaign_id is None
    assert clicks_by_campaign(draft)["clicks"] == 0
