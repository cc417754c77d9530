"""Inbox: replies linked to contact and campaign, STOP shown as an opt-out, filters, scope."""

from campaigns.models import Campaign, InboundMessage, Subaccount


def test_replies_with_contact_campaign_and_opt_out(marketer_client, world, draft, contacts):
    InboundMessage.objects.create(
        account=world.account, from_number=contacts[0].phone, text="Yes please", contact=contacts[0], campaign=draft
    )
    InboundMessage.objects.create(account=world.account, from_number=contacts[1].phone, text="STOP", contact=contacts[1], is_opt_out=True)
    InboundMessage.objects.create(account=world.account, kind="ussd", from_number="+923001119999", text="2")
    page = marketer_client.get("/inbox/").content.decode()
    assert "Yes please" in page and f"/campaigns/{draft.pk}/" in page and f"/contacts/{contacts[0].pk}/" in page
    assert "badge-opt_out" in page and "USSD" in page
    only = marketer_client.get("/inbox/", {"opt_out": "1"}).content.decode()
    assert "STOP" in only and "Yes please" not in only
    assert "Yes please" not in marketer_client.get("/inbox/", {"kind": "ussd"}).content.decode()


def test_scope(marketer_client, viewer_client, outsider_client, admin_client, world):
    other_sub = Subaccount.objects.create(account=world.account, name="Sales")
    theirs = Campaign.objects.create(account=world.account, subaccount=other_sub, name="Sales push")
    InboundMessage.objects.create(account=world.account, from_number="+923001112222", text="to sales", campaign=theirs)
    InboundMessage.objects.create(account=world.other_account, from_number="+923001113333", text="other account")
    assert "to sales" not in marketer_client.get("/inbox/").content.decode()
    assert "to sales" in admin_client.get("/inbox/").content.decode()
    assert viewer_client.get("/inbox/").status_code == 200
    assert "other account" not in admin_client.get("/inbox/").content.decode()
    assert "to sales" not in outsider_client.get("/inbox/").content.decode()


def test_empty_inbox_says_what_will_appear_and_filters_say_they_match_nothing(marketer_client, world):
    page = marketer_client.get("/inbox/").content.decode()
    assert "No replies yet. Answers to your campaigns" in page
    page = marketer_client.get("/inbox/?q=nothing-like-this&opt_out=1").content.decode()
    assert "No reply matches these filters" in page and 'href="?">Show every reply' in page
