"""Consent records: an import does not resubscribe an opted-out number (and says how many),
new imported contacts are opted in by the file, suppressions by hand and by API are recorded
with who made them, and the contact page shows the history (to its own account only)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from campaigns.models import ConsentRecord, Contact, ImportJob, Suppression
from campaigns.services import consent

pytestmark = pytest.mark.django_db

OPTED_OUT = "+923001230001"
CSV = f"Mobile,First Name\n{OPTED_OUT},Amina\n+923001230002,Bilal\n+923001230003,Chen\n"


def run_import(client, world) -> ImportJob:
    file = SimpleUploadedFile("spring-leads.csv", CSV.encode(), content_type="text/csv")
    job_url = client.post("/contacts/import/", {"file": file})["Location"]
    client.post(job_url, {"col_0": "phone", "col_1": "first_name", "region": ""})
    return ImportJob.objects.get(account=world.account)


def test_import_does_not_resubscribe_an_opted_out_number_and_counts_it(marketer_client, world):
    Suppression.objects.create(account=world.account, phone=OPTED_OUT, reason="opt_out", source="inbound")

    job = run_import(marketer_client, world)

    assert job.status == "done" and job.created_count == 3 and job.opted_out_count == 1
    assert Suppression.objects.filter(account=world.account, phone=OPTED_OUT).exists()
    amina = Contact.objects.get(account=world.account, phone=OPTED_OUT)
    assert not ConsentRecord.objects.filter(contact=amina).exists()
    bilal = ConsentRecord.objects.get(contact__phone="+923001230002")
    assert (bilal.status, bilal.source, bilal.detail, bilal.proof) == ("opted_in", "import", "spring-leads.csv", f"Import #{job.pk}")
    assert marketer_client.get(f"/contacts/import/{job.pk}/progress.json").json()["opted_out"] == 1
    page = marketer_client.get(f"/contacts/import/{job.pk}/").content.decode()
    assert '<strong id="n-opted-out">1</strong>' in page and "never resubscribes" in page


def test_suppressing_by_hand_records_an_admin_opt_out_and_lifting_it_an_opt_in(marketer_client, world):
    contact = Contact.objects.create(account=world.account, phone="+923001230009")

    marketer_client.post("/suppressions/new/", {"phone": contact.phone, "reason": "opt_out", "note": "asked on the phone"})
    suppression = Suppression.objects.get(account=world.account, phone=contact.phone)
    marketer_client.post(f"/suppressions/{suppression.pk}/remove/")

    rows = list(ConsentRecord.objects.filter(contact=contact).order_by("id").values_list("status", "source", "detail"))
    assert rows == [("opted_out", "admin", world.marketer.username), ("opted_in", "admin", world.marketer.username)]


def test_contact_page_shows_the_consent_history(viewer_client, outsider_client, world):
    contact = Contact.objects.create(account=world.account, phone="+923001230010")
    consent.record(contact, consent.OUT, consent.Source.KEYWORD, detail="PARAR", proof="Inbound message #41 (mo-41)")
    consent.record(contact, consent.IN, consent.Source.KEYWORD, detail="COMMENCER", proof="Inbound message #42")

    page = viewer_client.get(f"/contacts/{contact.pk}/").content.decode()
    section = page[page.index('id="consent-history"') :]
    assert section.index("COMMENCER") < section.index("PARAR")  # newest first
    assert "Inbound message #41 (mo-41)" in section and "badge-opted_out" in section and "Keyword reply" in section
    assert outsider_client.get(f"/contacts/{contact.pk}/").status_code == 404


def test_contact_page_without_history_says_so(viewer_client, world):
    contact = Contact.objects.create(account=world.account, phone="+923001230011")
    assert "No opt-in or opt-out recorded yet." in viewer_client.get(f"/contacts/{contact.pk}/").content.decode()
