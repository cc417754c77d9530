"""Odd and hostile input on the marketer screens gets a page or a clear message, never a 500."""

import pytest

from campaigns.models import Campaign


@pytest.mark.parametrize(
    "path",
    [
        "/contacts/?before=99999999999999999999999",
        "/contacts/?after=abc&q=%00%27%22",
        "/contacts/?list=999999",
        "/campaigns/?status=nonsense&before=-1",
        "/suppressions/?reason=zzz",
        "/inbox/?kind=bad",
        "/templates/?kind=bad",
        "/campaigns/compose/analyze.json",
        "/campaigns/compose/preview.json?campaign=abc",
        "/campaigns/compose/audience.json?lists=abc&lists=-3",
        "/campaigns/compose/audience.json?lists=99999999999999999999",
    ],
)
def test_odd_query_strings(marketer_client, draft, path):
    assert marketer_client.get(path).status_code == 200


def test_list_ids_no_database_holds_are_invalid_choices(marketer_client, draft, contacts):
    huge = "99999999999999999999"
    response = marketer_client.post(f"/campaigns/{draft.pk}/edit/audience/", {"lists": [huge], "exclude_lists": [huge]})
    assert response.status_code == 200 and response.context["form"].errors["lists"]
    response = marketer_client.post("/contacts/new/", {"phone": "+923001112233", "lists": [huge]})
    assert response.status_code == 200 and response.context["form"].errors["lists"]
    response = marketer_client.post(f"/contacts/{contacts[0].pk}/edit/", {"phone": contacts[0].phone, "lists": ["-" + huge]})
    assert response.status_code == 200 and response.context["form"].errors["lists"]


def test_bad_steps_and_zones(marketer_client, draft):
    assert marketer_client.get(f"/campaigns/{draft.pk}/edit/nonsense/")["Location"] == f"/campaigns/{draft.pk}/edit/channel/"
    Campaign.objects.filter(pk=draft.pk).update(timezone="Mars/Olympus")
    assert marketer_client.get(f"/campaigns/{draft.pk}/edit/schedule/").status_code == 200
    response = marketer_client.post(
        f"/campaigns/{draft.pk}/edit/schedule/", {"when": "later", "send_at": "tomorrow", "timezone": "Mars/Olympus"}
    )
    assert response.status_code == 200 and response.context["form"].errors


def test_import_keeps_the_target_list(marketer_client, contact_list):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = marketer_client.post(
        f"/contacts/import/?list={contact_list.pk}", {"file": SimpleUploadedFile("a.csv", b"phone\n+923001234567\n")}
    )
    assert response["Location"].endswith(f"/map/?list={contact_list.pk}")
    page = marketer_client.get(response["Location"])
    assert page.context["form"]["contact_list"].value() == str(contact_list.pk)


def test_import_strips_nul_bytes(marketer_client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from campaigns.models import Contact, ImportJob

    url = marketer_client.post("/contacts/import/", {"file": SimpleUploadedFile("n.csv", b"phone,first_name\n+923001234567,Na\x00me\n")})[
        "Location"
    ]
    marketer_client.post(url, {"col_0": "phone", "col_1": "first_name"})
    assert ImportJob.objects.get().status == "done"
    assert Contact.objects.get(account=world.account).first_name == "Name"


def test_unknown_provider_connection_does_not_break_pages(marketer_client, world):
    from tests.conftest import make_connection

    make_connection(world.account, "gone", name="Old provider")
    for path in ("/templates/", "/recordings/new/", "/campaigns/new/"):
        assert marketer_client.get(path).status_code == 200, path
