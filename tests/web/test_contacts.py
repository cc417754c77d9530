"""Contacts: search, keyset paging, add (E.164, clear errors, duplicates merged), edit,
delete, and who may do what."""

from campaigns.models import Contact, ContactField, ListMembership


def test_search_by_phone_prefix_and_name(marketer_client, contacts):
    page = marketer_client.get("/contacts/", {"q": "+92300123450"}).content.decode()
    assert "+923001234500" in page and "+923001234501" in page
    page = marketer_client.get("/contacts/", {"q": "Name3"}).content.decode()
    assert "+923001234503" in page and "+923001234501" not in page


def test_keyset_paging_walks_every_contact_once(marketer_client, world):
    Contact.objects.bulk_create([Contact(account=world.account, phone=f"+9230055{i:05d}") for i in range(120)])
    seen, query = [], ""
    for _ in range(5):
        response = marketer_client.get("/contacts/" + query)
        page = response.context["page"]
        seen += [c.pk for c in page.items]
        if not page.next_query:
            break
        query = page.next_query
    assert len(seen) == 120 == len(set(seen))
    assert "Showing 50 of 120" in marketer_client.get("/contacts/").content.decode()


def test_add_normalizes_to_e164(marketer_client, world, contact_list):
    response = marketer_client.post(
        "/contacts/new/",
        {
            "phone": "0092 300 765 4321",
            "first_name": "Amina",
            "last_name": "Khan",
            "custom_fields": "City=Lahore\nplan = gold",
            "lists": [contact_list.pk],
        },
    )
    contact = Contact.objects.get(account=world.account, phone="+923007654321")
    assert response.status_code == 302 and response["Location"] == f"/contacts/{contact.pk}/"
    assert contact.attributes == {"city": "Lahore", "plan": "gold"}
    assert ListMembership.objects.filter(contact=contact, contact_list=contact_list).exists()
    assert ContactField.objects.filter(account=world.account, key="plan").exists()


def test_invalid_phone_gets_a_clear_error_next_to_the_field(marketer_client, world):
    response = marketer_client.post("/contacts/new/", {"phone": "12ab", "first_name": "X"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "phone" in errors
    assert 'class="field-error"' in response.content.decode()
    response = marketer_client.post("/contacts/new/", {"phone": "3001234567"})
    assert "country code" in response.context["form"].errors["phone"][0]
    response = marketer_client.post("/contacts/new/", {"phone": "+92300", "custom_fields": "no equals sign"})
    assert "phone" in response.context["form"].errors and "custom_fields" in response.context["form"].errors
    assert not Contact.objects.filter(account=world.account).exists()


def test_adding_an_existing_number_merges(marketer_client, world, contacts):
    existing = contacts[0]
    marketer_client.post("/contacts/new/", {"phone": existing.phone, "last_name": "Merged", "custom_fields": "tier=vip"})
    existing.refresh_from_db()
    assert Contact.objects.filter(account=world.account, phone=existing.phone).count() == 1
    assert (existing.first_name, existing.last_name) == ("Name0", "Merged")
    assert existing.attributes == {"city": "Lahore", "tier": "vip"}


def test_edit_to_another_contacts_number_is_refused(marketer_client, contacts):
    response = marketer_client.post(f"/contacts/{contacts[0].pk}/edit/", {"phone": contacts[1].phone})
    assert response.status_code == 200
    assert "Another contact" in response.context["form"].errors["phone"][0]


def test_edit_and_delete(marketer_client, contacts):
    c = contacts[0]
    marketer_client.post(f"/contacts/{c.pk}/edit/", {"phone": c.phone, "first_name": "New", "custom_fields": ""})
    c.refresh_from_db()
    assert c.first_name == "New" and c.attributes == {}
    assert marketer_client.get(f"/contacts/{c.pk}/delete/")["Location"] == f"/contacts/{c.pk}/"
    marketer_client.post(f"/contacts/{c.pk}/delete/")
    assert not Contact.objects.filter(pk=c.pk).exists()


def test_viewer_reads_but_cannot_change(viewer_client, contacts):
    assert viewer_client.get(f"/contacts/{contacts[0].pk}/").status_code == 200
    assert viewer_client.get("/contacts/new/").status_code == 403
    assert viewer_client.post("/contacts/new/", {"phone": "+923001112223"}).status_code == 403
    assert viewer_client.post(f"/contacts/{contacts[0].pk}/edit/", {"phone": contacts[0].phone}).status_code == 403
    assert viewer_client.post(f"/contacts/{contacts[0].pk}/delete/").status_code == 403
    assert Contact.objects.filter(pk=contacts[0].pk).exists()


def test_other_accounts_contact_is_not_found(marketer_client, admin_client, outsider_client, foreign, contacts):
    other = foreign["contact"]
    for client in (marketer_client, admin_client):
        assert client.get(f"/contacts/{other.pk}/").status_code == 404
        assert client.post(f"/contacts/{other.pk}/delete/").status_code == 404
    assert outsider_client.get(f"/contacts/{contacts[0].pk}/").status_code == 404
    assert contacts[0].phone not in outsider_client.get("/contacts/").content.decode()


def test_suppress_from_the_contact_page(marketer_client, contacts):
    from campaigns.models import Suppression

    page = marketer_client.get(f"/contacts/{contacts[0].pk}/").content.decode()
    assert "Suppress this number" in page
    marketer_client.post("/suppressions/new/", {"phone": contacts[0].phone, "reason": "blocked"})
    assert Suppression.objects.get(phone=contacts[0].phone).reason == "blocked"
    assert "Remove from suppressions" in marketer_client.get(f"/contacts/{contacts[0].pk}/").content.decode()


def test_add_every_contact_found_to_a_list(marketer_client, viewer_client, world, contacts, foreign):
    from campaigns.models import ContactList

    target = ContactList.objects.create(account=world.account, subaccount=world.subaccount, name="Lahore")
    page = marketer_client.get("/contacts/", {"q": "Name1"}).content.decode()
    assert "Add every contact found to" in page
    response = marketer_client.post("/contacts/add-to-list/", {"q": "Name1", "target": target.pk})
    assert response["Location"] == f"/lists/{target.pk}/"
    assert list(target.contacts.values_list("phone", flat=True)) == [contacts[1].phone]
    marketer_client.post("/contacts/add-to-list/", {"q": "", "target": target.pk})
    assert target.contacts.count() == 5
    assert viewer_client.post("/contacts/add-to-list/", {"target": target.pk}).status_code == 403
    assert marketer_client.post("/contacts/add-to-list/", {"target": foreign["list"].pk}).status_code == 404
    assert marketer_client.post("/contacts/add-to-list/", {"target": "abc"}).status_code == 404
