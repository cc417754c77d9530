"""Lists: create (unique names), members added by phone and removed, subaccount scope."""

from campaigns.models import ContactList, ListMembership, Subaccount


def test_create_list_and_name_clash(marketer_client, world, contact_list):
    response = marketer_client.post("/lists/new/", {"name": "VIPs"})
    created = ContactList.objects.get(account=world.account, name="VIPs")
    assert response["Location"] == f"/lists/{created.pk}/"
    assert created.subaccount == world.subaccount
    response = marketer_client.post("/lists/new/", {"name": "customers"})
    assert "exists already" in response.context["form"].errors["name"][0]


def test_add_and_remove_members(marketer_client, world, contact_list, contacts):
    marketer_client.post(f"/lists/{contact_list.pk}/members/", {"phone": "+44 7911 123456"})
    assert contact_list.contacts.filter(phone="+447911123456").exists()
    response = marketer_client.post(f"/lists/{contact_list.pk}/members/", {"phone": "nonsense"}, follow=True)
    assert "not a phone number" in response.content.decode()
    marketer_client.post(f"/lists/{contact_list.pk}/members/{contacts[0].pk}/remove/")
    assert not ListMembership.objects.filter(contact_list=contact_list, contact=contacts[0]).exists()
    page = marketer_client.get(f"/lists/{contact_list.pk}/").content.decode()
    assert "+447911123456" in page and contacts[0].phone not in page


def test_marketer_does_not_see_another_subaccounts_list(marketer_client, admin_client, world):
    other_sub = Subaccount.objects.create(account=world.account, name="Sales")
    hidden = ContactList.objects.create(account=world.account, subaccount=other_sub, name="Sales leads")
    assert marketer_client.get(f"/lists/{hidden.pk}/").status_code == 404
    assert admin_client.get(f"/lists/{hidden.pk}/").status_code == 200


def test_roles_and_other_account(viewer_client, outsider_client, contact_list, foreign, marketer_client):
    assert viewer_client.get(f"/lists/{contact_list.pk}/").status_code == 200
    assert viewer_client.post("/lists/new/", {"name": "x"}).status_code == 403
    assert viewer_client.post(f"/lists/{contact_list.pk}/delete/").status_code == 403
    assert outsider_client.get(f"/lists/{contact_list.pk}/").status_code == 404
    assert marketer_client.get(f"/lists/{foreign['list'].pk}/").status_code == 404
    marketer_client.post(f"/lists/{contact_list.pk}/delete/")
    assert not ContactList.objects.filter(pk=contact_list.pk).exists()


def test_empty_lists_and_list_pages_guide_the_next_step(marketer_client, world):
    assert 'href="/lists/new/">Create a list</a>' in marketer_client.get("/lists/").content.decode()
    empty = ContactList.objects.create(account=world.account, subaccount=world.subaccount, name="Empty")
    page = marketer_client.get(f"/lists/{empty.pk}/").content.decode()
    assert "Contacts on this list: 0" in page and "Add a number above or import a file" in page
    assert "Nobody on this list matches “zed”" in marketer_client.get(f"/lists/{empty.pk}/?q=zed").content.decode()
