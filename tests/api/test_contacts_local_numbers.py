"""The API's contact create reads a number without a country code in the account's country."""

from campaigns.models import Account


def test_the_api_contact_create_reads_local_numbers_in_the_account_country(api, world):
    Account.objects.filter(pk=world.account.pk).update(country="PK")
    response = api.post("/api/v1/contacts", {"phone": "03001234568", "first_name": "Api"})
    assert response.status_code == 201, response.content
    assert response.json()["phone"] == "+923001234568"
    Account.objects.filter(pk=world.account.pk).update(country="")
    assert api.post("/api/v1/contacts", {"phone": "03001234569"}).status_code == 400
