"""The resend confirmation page: the exact number before anything is made; marketers only."""

from __future__ import annotations

import pytest

from campaigns.models import Campaign, ContactList, Message


@pytest.fixture
def failed_campaign(world, draft, contact_list):
    Campaign.objects.filter(pk=draft.pk).update(status="completed")
    for i, contact in enumerate(contact_list.contacts.all()):
        status = "undelivered" if i == 0 else "delivered"
        Message.objects.create(
            account=world.account,
            subaccount=world.subaccount,
            campaign=draft,
            contact=contact,
            connection=draft.connection,
            to=contact.phone,
            status=status,
        )
    return draft


def test_get_shows_the_number_and_makes_nothing(marketer_client, failed_campaign):
    lists_before = ContactList.objects.count()
    response = marketer_client.get(f"/campaigns/{failed_campaign.pk}/resend/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>1</strong> recipient will get the message again." in html
    assert "Make a draft for 1 recipient" in html
    assert Campaign.objects.count() == 1 and ContactList.objects.count() == lists_before


def test_post_makes_the_draft_with_the_specification(marketer_client, failed_campaign):
    response = marketer_client.post(f"/campaigns/{failed_campaign.pk}/resend/")
    copy = Campaign.objects.get(name__startswith="Resend failed")
    assert response["Location"] == f"/campaigns/{copy.pk}/edit/review/"
    assert copy.audience["resend_of"] == failed_campaign.pk


def test_nothing_to_resend(marketer_client, world, draft):
    Campaign.objects.filter(pk=draft.pk).update(status="completed")
    html = marketer_client.get(f"/campaigns/{draft.pk}/resend/").content.decode()
    assert "There is no one to resend to." in html and "resend-confirm" not in html
    response = marketer_client.post(f"/campaigns/{draft.pk}/resend/", follow=True)
    assert "No recipient to resend to" in response.content.decode()
    assert Campaign.objects.count() == 1


def test_access(viewer_client, outsider_client, failed_campaign):
    assert viewer_client.get(f"/campaigns/{failed_campaign.pk}/resend/").status_code == 403
    assert viewer_client.post(f"/campaigns/{failed_campaign.pk}/resend/").status_code == 403
    assert outsider_client.get(f"/campaigns/{failed_campaign.pk}/resend/").status_code == 404
    assert Campaign.objects.count() == 1


def test_the_new_campaign_page_names_its_audience(marketer_client, failed_campaign):
    marketer_client.post(f"/campaigns/{failed_campaign.pk}/resend/")
    copy = Campaign.objects.get(name__startswith="Resend failed")
    html = marketer_client.get(f"/campaigns/{copy.pk}/").content.decode()
    assert f'Failed recipients of <a href="/campaigns/{failed_campaign.pk}/">Spring sale</a>' in html
