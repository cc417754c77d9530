"""Test sends of an A/B campaign: the marketer picks the variant (or all of them), each test
carries that variant's text and says which it is; a campaign without a test has no choice."""

from __future__ import annotations

from campaigns.models import ABTest, CampaignVariant, Message
from campaigns.services.counts import campaign_counts

TEST_NUMBER = "+923001234512"


def with_variants(draft) -> None:
    CampaignVariant.objects.create(campaign=draft, label="A")
    CampaignVariant.objects.create(campaign=draft, label="B", text="B for {{ first_name }}: free delivery")
    ABTest.objects.create(campaign=draft)


def send(client, draft, **data):
    return client.post(f"/campaigns/{draft.pk}/test/", {"to": TEST_NUMBER, **data}, follow=True).content.decode()


def test_the_review_offers_each_variant_and_sends_the_chosen_one(marketer_client, draft, contacts, simulators):
    with_variants(draft)
    review = marketer_client.get(f"/campaigns/{draft.pk}/edit/review/").content.decode()
    assert 'name="variant"' in review and "All 2 variants, one test each" in review

    page = send(marketer_client, draft, variant="B", sample=contacts[2].phone)
    assert "Test of variant B queued to" in page
    message = Message.objects.get(to=TEST_NUMBER)
    assert message.text == "B for Name2: free delivery" and message.variant.label == "B"
    timeline = marketer_client.get(f"/campaigns/{draft.pk}/tests.json").json()
    assert timeline["tests"][0]["variant"] == "B"
    review = marketer_client.get(f"/campaigns/{draft.pk}/edit/review/")
    assert review.context["test_form"]["variant"].initial == "B"  # the next test starts from the last choice


def test_all_variants_sends_one_test_each_and_counts_in_no_figure(marketer_client, draft, contacts, simulators):
    with_variants(draft)
    page = send(marketer_client, draft, variant="all", sample=contacts[2].phone)
    assert "2 tests (variants A, B) queued to" in page
    texts = dict(Message.objects.filter(test_of=draft).values_list("variant__label", "text"))
    assert texts == {"A": "Hi Name2, 20% off today", "B": "B for Name2: free delivery"}
    assert campaign_counts(draft)["total"] == 0


def test_an_unknown_variant_is_refused_and_a_plain_campaign_has_no_choice(marketer_client, draft, contacts, simulators):
    review = marketer_client.get(f"/campaigns/{draft.pk}/edit/review/").content.decode()
    assert 'name="variant"' not in review
    send(marketer_client, draft)
    assert Message.objects.get(test_of=draft).variant_id is None

    with_variants(draft)
    page = send(marketer_client, draft, variant="Z")
    assert "Test not sent" in page and "Z is not one of the available choices" in page
    assert Message.objects.filter(test_of=draft).count() == 1
