"""Contact import: upload -> mapping preview -> background run (inline in tests) ->
progress JSON -> rejected rows report; duplicates merged; XLSX too; roles."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from campaigns.models import Contact, ContactField, ContactList, ImportJob
from campaigns.services import imports

CSV = (
    "Mobile,First Name,last_name,City\n"
    "+923001230001,Amina,Khan,Lahore\n"
    "not-a-number,Bad,Row,Nowhere\n"
    ",Missing,Phone,Karachi\n"
    "00923001230002,Bilal,Ahmed,Multan\n"
    "+923001230001,Amina,Khan-Updated,Islamabad\n"
    "+92300123,Short,Number,Quetta\n"
)


def upload(client, name="contacts.csv", content: bytes | None = None, **kw):
    file = SimpleUploadedFile(name, CSV.encode() if content is None else content, content_type="text/csv")
    return client.post("/contacts/import/", {"file": file}, **kw)


def test_upload_shows_a_mapping_preview_with_guesses(marketer_client, world):
    response = upload(marketer_client)
    job = ImportJob.objects.get(account=world.account)
    assert response["Location"] == f"/contacts/import/{job.pk}/map/"
    page = marketer_client.get(response["Location"])
    form = page.context["form"]
    assert [f.initial for f in form.column_fields()] == ["phone", "first_name", "last_name", "attribute:city"]
    assert "Amina" in page.content.decode() and "not-a-number" in page.content.decode()


def test_import_with_bad_rows_duplicates_and_a_new_list(marketer_client, world):
    job_url = upload(marketer_client)["Location"]
    job = ImportJob.objects.get(account=world.account)
    data = {"col_0": "phone", "col_1": "first_name", "col_2": "last_name", "col_3": "attribute:city", "new_list": "Imported", "region": ""}
    response = marketer_client.post(job_url, data)
    assert response["Location"] == f"/contacts/import/{job.pk}/"
    job.refresh_from_db()
    assert job.status == "done", job.error
    assert (job.total_rows, job.processed_rows, job.created_count, job.rejected_count) == (6, 6, 2, 3)

    amina = Contact.objects.get(account=world.account, phone="+923001230001")
    assert (amina.first_name, amina.last_name, amina.attributes) == ("Amina", "Khan-Updated", {"city": "Islamabad"})
    assert Contact.objects.filter(account=world.account, phone="+923001230002").exists()
    imported = ContactList.objects.get(account=world.account, name="Imported")
    assert imported.contacts.count() == 2 and imported.subaccount == world.subaccount
    assert ContactField.objects.filter(account=world.account, key="city").exists()

    progress = marketer_client.get(f"/contacts/import/{job.pk}/progress.json").json()
    assert progress["finished"] and progress["percent"] == 100 and progress["rejected"] == 3
    report = marketer_client.get(progress["rejects_url"])
    rows = list(csv.reader(io.StringIO(b"".join(report.streaming_content).decode())))
    assert rows[0] == ["row", "reason", "Mobile", "First Name", "last_name", "City"]
    assert [r[0] for r in rows[1:]] == ["3", "4", "7"]
    assert "not a phone number" in rows[1][1] or "country code" in rows[1][1]
    assert rows[2][1] == "The phone number is missing."
    assert rows[3][1].endswith("for its country.")


def test_existing_contacts_are_updated_not_duplicated(marketer_client, world):
    Contact.objects.create(account=world.account, phone="+923001230001", first_name="Old", attributes={"tier": "gold"})
    job_url = upload(marketer_client)["Location"]
    marketer_client.post(job_url, {"col_0": "phone", "col_1": "first_name", "col_2": "ignore", "col_3": "attribute:city"})
    job = ImportJob.objects.get(account=world.account)
    assert (job.created_count, job.updated_count) == (1, 1)
    contact = Contact.objects.get(account=world.account, phone="+923001230001")
    assert contact.first_name == "Amina" and contact.last_name == ""
    assert contact.attributes == {"tier": "gold", "city": "Islamabad"}


def test_default_country_for_local_numbers(marketer_client, world):
    content = b"phone;name\n03001234567;Local\n"
    job_url = upload(marketer_client, content=content)["Location"]
    marketer_client.post(job_url, {"col_0": "phone", "col_1": "first_name", "region": "PK"})
    assert Contact.objects.filter(account=world.account, phone="+923001234567", first_name="Local").exists()


def test_mapping_errors(marketer_client, world, contact_list):
    job_url = upload(marketer_client)["Location"]
    response = marketer_client.post(job_url, {"col_0": "ignore", "col_1": "first_name", "col_2": "last_name", "col_3": "ignore"})
    assert "exactly one column as the phone" in response.content.decode()
    response = marketer_client.post(job_url, {"col_0": "phone", "col_1": "first_name", "col_2": "first_name", "col_3": "ignore"})
    assert "Only one column can be the first name" in response.content.decode()
    response = marketer_client.post(
        job_url, {"col_0": "phone", "col_1": "ignore", "col_2": "ignore", "col_3": "ignore", "new_list": "customers"}
    )
    assert "exists already" in response.content.decode()
    assert ImportJob.objects.get(account=world.account).status == "uploaded"


def test_unreadable_files_are_refused_clearly(marketer_client, world):
    response = upload(marketer_client, name="photo.png", content=b"\x89PNG")
    assert "Upload a .csv or .xlsx file." in response.content.decode()
    response = upload(marketer_client, name="broken.xlsx", content=b"not a zip")
    assert "not a readable Excel" in response.content.decode()
    assert "BadZipFile" not in response.content.decode()
    response = upload(marketer_client, name="empty.csv", content=b"\n\n")
    assert "The file is empty" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_xlsx_import(marketer_client, world, contact_list):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["phone", "first_name", "plan"])
    sheet.append([923001230005, "Sara", "gold"])  # a number cell, as Excel keeps phones
    sheet.append(["+923001230006", "Omar", None])
    buffer = io.BytesIO()
    book.save(buffer)
    job_url = upload(marketer_client, name="list.xlsx", content=buffer.getvalue())["Location"]
    marketer_client.post(job_url, {"col_0": "phone", "col_1": "first_name", "col_2": "attribute:plan", "contact_list": contact_list.pk})
    job = ImportJob.objects.get(account=world.account)
    assert job.status == "done" and job.created_count == 2 and job.total_rows == 2
    assert Contact.objects.get(account=world.account, phone="+923001230005").attributes == {"plan": "gold"}
    assert contact_list.contacts.filter(phone="+923001230006").exists()


def test_chunks_write_in_bulk(marketer_client, world, django_assert_max_num_queries, monkeypatch):
    monkeypatch.setattr(imports, "CHUNK", 50)
    rows = "phone\n" + "".join(f"+9230012{i:05d}\n" for i in range(500))
    job = ImportJob.objects.create(
        account=world.account, file=SimpleUploadedFile("big.csv", rows.encode()), original_name="big.csv", mapping={"phone": "phone"}
    )
    with django_assert_max_num_queries(120):  # ~10 chunks x a handful of queries, never one per row
        imports.run_import(job.pk)
    job.refresh_from_db()
    assert job.created_count == 500 and Contact.objects.filter(account=world.account).count() == 500


def test_roles_and_other_account(viewer_client, outsider_client, marketer_client, world):
    assert viewer_client.get("/contacts/import/").status_code == 403
    assert upload(viewer_client).status_code == 403
    upload(marketer_client)
    job = ImportJob.objects.get(account=world.account)
    assert viewer_client.get(f"/contacts/import/{job.pk}/progress.json").status_code == 200
    assert viewer_client.post(f"/contacts/import/{job.pk}/map/", {"col_0": "phone"}).status_code == 403
    for path in ("/", "/map/", "/progress.json", "/rejects.csv"):
        assert outsider_client.get(f"/contacts/import/{job.pk}{path}").status_code == 404


def test_utf16_csv_as_excel_saves_unicode_text(tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_bytes("phone\tfirst_name\n+923001234517\tZoë\n".encode("utf-16"))
    rows = list(imports.iter_table(path, "contacts.csv"))
    assert rows == [["phone", "first_name"], ["+923001234517", "Zoë"]]
