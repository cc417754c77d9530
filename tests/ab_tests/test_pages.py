"""The A/B test screens: the composer's variants page (save, validation, access), the plan
on the review, and the campaign page's results with the marketer's pick."""

from __future__ import annotations

import pytest

from campaigns.models import ABTest, Campaign, CampaignVariant
from campaigns.services.campaigns import launch
from tests.ab_tests.conftest import ab_campaign, wait_is_over
from tests.conftest import login

FORM = {
    "enabled": "on",
    "text_b": "Hello {{ first_name }}, 30% off this weekend",
    "text_c": "",
    "text_d": "",
    "mode": "winner",
    "test_share": "20",
    "wait_minutes": "240",
    "metric": "clicks",
    "auto_pick": "1",
}


def _url(campaign: Campaign) -> str:
    return f"/campaigns/{campaign.pk}/edit/ab-test/"


def test_variants_page_saves_the_test(marketer_client, draft):
    page = marketer_client.get(_url(draft))
    assert page.status_code == 200 and b"Your message from the content step" in page.content
    response = marketer_client.post(_url(draft), FORM)
    assert response.status_code == 302 and response.url.endswith("/edit/audience/")
    assert list(CampaignVariant.objects.filter(campaign=draft).values_list("label", "text")) == [
        ("A", ""),
        ("B", "Hello {{ first_name }}, 30% off this weekend"),
    ]
    test = ABTest.objects.get(campaign=draft)
    assert (test.mode, test.test_share, test.wait_minutes, test.metric, test.auto_pick) == ("winner", 20, 240, "clicks", True)
    review = marketer_client.get(f"/campaigns/{draft.pk}/edit/review/").content.decode()
    assert 'id="review-ab-plan"' in review
    assert "20% of the audience (2 recipients, about 1 per variant) gets the test" in review
    assert "After 4 hours, the variant with the highest click-through rate is picked automatically" in review


def test_variants_page_refuses_bad_text(marketer_client, draft):
    response = marketer_client.post(_url(draft), {**FORM, "text_b": "Hi {{ shoe_size }}"})
    assert response.status_code == 200 and "shoe_size" in response.content.decode()
    missing = marketer_client.post(_url(draft), {**FORM, "text_b": ""})
    assert "Write variant B" in missing.content.decode()
    assert not ABTest.objects.filter(campaign=draft).exists()
    bad_share = marketer_client.post(_url(draft), {**FORM, "test_share": "500"})
    assert bad_share.status_code == 200 and not ABTest.objects.exists()


def test_switching_the_test_off_removes_it(marketer_client, draft):
    marketer_client.post(_url(draft), FORM)
    response = marketer_client.post(_url(draft), {**FORM, "enabled": ""})
    assert response.status_code == 302
    assert not CampaignVariant.objects.filter(campaign=draft).exists() and not ABTest.objects.filter(campaign=draft).exists()


def test_content_step_can_go_to_the_variants(marketer_client, draft):
    response = marketer_client.post(f"/campaigns/{draft.pk}/edit/content/", {"text": "New text for A", "then": "ab-test"})
    assert response.status_code == 302 and response.url == _url(draft)
    draft.refresh_from_db()
    assert draft.text == "New text for A"


def test_access(viewer_client, outsider_client, draft):
    assert viewer_client.get(_url(draft)).status_code == 403
    assert outsider_client.get(_url(draft)).status_code == 404
    assert outsider_client.post(f"/campaigns/{draft.pk}/pick-winner/", {"label": "A"}).status_code == 404


@pytest.fixture
def awaiting(engine_world, simulators, client):
    campaign = ab_campaign(engine_world, 20, "AB", mode="winner", test_share=50, auto_pick=False, metric="delivery")
    launch(campaign)
    simulators.deliver(client)
    wait_is_over(campaign)
    from campaigns.services.maintenance import tick

    tick()
    return campaign


def test_campaign_page_shows_results_and_the_pick(engine_world, awaiting, simulators, client):
    marketer = login(engine_world.marketer)
    page = marketer.get(f"/campaigns/{awaiting.pk}/").content.decode()
    assert "Waiting for you to pick a winner" in page
    assert 'data-variant="A"' in page and 'data-variant="B"' in page
    assert "A and B: no difference so far" in page
    assert 'id="pick-B"' in page
    viewer_page = login(engine_world.viewer).get(f"/campaigns/{awaiting.pk}/").content.decode()
    assert 'id="pick-B"' not in viewer_page, "a viewer sees results, not the pick"
    assert login(engine_world.viewer).post(f"/campaigns/{awaiting.pk}/pick-winner/", {"label": "B"}).status_code == 403

    response = marketer.post(f"/campaigns/{awaiting.pk}/pick-winner/", {"label": "B"})
    assert response.status_code == 302
    simulators.deliver(client)
    page = marketer.get(f"/campaigns/{awaiting.pk}/").content.decode()
    assert "Winner: B." in page and "Picked by" in page
    again = marketer.post(f"/campaigns/{awaiting.pk}/pick-winner/", {"label": "A"}, follow=True).content.decode()
    assert "The winner is already picked." in again
    assert Campaign.objects.get(pk=awaiting.pk).status == "completed"
