"""Every row of an imported file is accounted for (new, updated, repeated, rejected) and
local numbers are read in the account's country, which defaults from its time zone."""

from django.core.files.uploadedfile import SimpleUploadedFile

from campaigns.countries import country_for_zone
from campaigns.models import Account, Contact, ImportJob
from campaigns.services import imports

ROWS = (
    "phone,first_name\n"
    "03001230001,Amina\n"  # local: read as +92 300 1230001
    "+923001230002,Bilal\n"  # already a contact: updated
    "+923001230001,Amina K\n"  # the same number again, written the international way
    "0300 1230003,Sara\n"
    "hello,Bad\n"
    "\n"  # an empty line is not a row
)


def run(world, rows: str, mapping=None) -> ImportJob:
    job = ImportJob.objects.create(
        account=world.account,
        file=SimpleUploadedFile("list.csv", rows.encode()),
        original_name="list.csv",
        mapping=mapping or {"phone": "phone", "first_name": "first_name"},
    )
    imports.run_import(job.pk)
    job.refresh_from_db()
    return job


def test_country_is_derived_from_the_time_zone(db):
    assert country_for_zone("Asia/Karachi") == "PK"
    assert country_for_zone("Europe/London") == "GB"
    assert country_for_zone("America/Toronto") == "CA"
    assert country_for_zone("Asia/Kolkata") == "IN"
    assert country_for_zone("Europe/Paris") == "FR"
    assert country_for_zone("UTC") == ""
    account = Account.objects.create(name="Lahore Co", slug="lahore", timezone="Asia/Karachi")
    assert account.country == "PK"


def test_every_row_is_accounted_for_with_duplicates_and_local_numbers(world):
    Account.objects.filter(pk=world.account.pk).update(timezone="Asia/Karachi", country="PK")
    world.account.refresh_from_db()
    Contact.objects.create(account=world.account, phone="+923001230002", first_name="Old")
    job = run(world, ROWS)
    assert job.status == "done", job.error
    counts = (job.created_count, job.updated_count, job.duplicate_count, job.rejected_count)
    assert counts == (2, 1, 1, 1)
    assert sum(counts) == job.processed_rows == job.total_rows == 5
    assert Contact.objects.get(account=world.account, phone="+923001230001").first_name == "Amina K"
    assert Contact.objects.filter(account=world.account, phone="+923001230003").exists()


def test_duplicates_across_chunks_are_still_counted_once(world, monkeypatch):
    monkeypatch.setattr(imports, "CHUNK", 3)
    rows = "phone\n" + "".join(f"+9230012300{i:02d}\n" for i in range(7)) + "+923001230001\n+923001230005\n"
    job = run(world, rows, {"phone": "phone"})
    assert (job.created_count, job.updated_count, job.duplicate_count, job.rejected_count) == (7, 0, 2, 0)
    assert job.processed_rows == 9


def test_without_a_country_local_numbers_are_rejected_with_the_reason(world):
    assert world.account.country == ""
    job = run(world, "phone\n03001230001\n")
    assert (job.created_count, job.rejected_count) == (0, 1)


def test_the_mapping_screen_offers_the_account_country_and_the_result_page_shows_every_count(marketer_client, world):
    Account.objects.filter(pk=world.account.pk).update(country="PK")
    file = SimpleUploadedFile("list.csv", ROWS.encode(), content_type="text/csv")
    job_url = marketer_client.post("/contacts/import/", {"file": file})["Location"]
    page = marketer_client.get(job_url)
    assert page.context["form"]["region"].initial == "PK"
    response = marketer_client.post(job_url, {"col_0": "phone", "col_1": "first_name", "region": "PK"})
    page = marketer_client.get(response["Location"]).content.decode()
    assert "Repeated in the file" in page
    progress = marketer_client.get(response["Location"] + "progress.json").json()
    assert (progress["created"], progress["duplicates"], progress["rejected"]) == (3, 1, 1)


def test_the_single_add_form_reads_local_numbers_in_the_account_country(marketer_client, world):
    Account.objects.filter(pk=world.account.pk).update(country="PK")
    response = marketer_client.post("/contacts/new/", {"phone": "0300 1234567", "first_name": "Local"})
    assert response.status_code == 302
    assert Contact.objects.filter(account=world.account, phone="+923001234567", first_name="Local").exists()
