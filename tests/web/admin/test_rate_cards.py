"""A connection's rate card page: access, the table, CSV upload with per-row errors
(line and reason), the template and the export."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from campaigns.models import RateCardEntry
from tests.conftest import make_connection

pytestmark = pytest.mark.django_db


@pytest.fixture
def conn(world):
    return make_connection(world.account, "vt", name="VT main")


def upload(client, conn, text: str, **extra):
    file = SimpleUploadedFile("rates.csv", text.encode(), content_type="text/csv")
    return client.post(f"/admin/connections/{conn.pk}/rates/", {"file": file, **extra})


def test_only_admins_of_the_account(world, conn, marketer_client, viewer_client, outsider_client):
    for client in (marketer_client, viewer_client):
        assert client.get(f"/admin/connections/{conn.pk}/rates/").status_code == 403
        assert upload(client, conn, "channel,prefix,price\nsms,92,0.01\n").status_code == 403
        assert client.get(f"/admin/connections/{conn.pk}/rates/template.csv").status_code == 403
    assert outsider_client.get(f"/admin/connections/{conn.pk}/rates/").status_code == 404
    assert upload(outsider_client, conn, "channel,prefix,price\nsms,92,0.01\n").status_code == 404
    assert outsider_client.get(f"/admin/connections/{conn.pk}/rates/export.csv").status_code == 404
    assert not RateCardEntry.objects.exists()


def test_empty_card_invites_an_upload(admin_client, conn):
    page = admin_client.get(f"/admin/connections/{conn.pk}/rates/").content.decode()
    assert "No prices yet" in page and "Download a template" in page


def test_upload_saves_valid_rows_and_lists_the_bad_ones(admin_client, conn):
    text = "channel,prefix,price,unit\nsms,92,0.0040,segment\nsms,+92300,0.0035,\nfax,1,0.1,\nsms,92,abc,\nsms,44,0.01,parsec\n"
    response = upload(admin_client, conn, text)
    assert response.status_code == 200
    page = response.content.decode().replace("&#x27;", "'")
    assert "Loaded 2 prices; 3 rows not loaded" in page
    assert [(line, reason[:22]) for line, reason in response.context["result"].errors] == [
        (4, "Unknown channel 'fax' "),
        (5, "The price 'abc' is not"),
        (6, "Unknown unit 'parsec' "),
    ]
    assert '<td class="num" data-label="Line">4</td>' in page
    assert {(e.prefix, e.price) for e in RateCardEntry.objects.filter(connection=conn)} == {
        ("92", Decimal("0.004")),
        ("92300", Decimal("0.0035")),
    }
    assert "+92300" in page and "0.0035 USD" in page


def test_a_clean_upload_redirects_with_a_message(admin_client, conn):
    response = upload(admin_client, conn, "channel,prefix,price\nsms,92,0.01\n")
    assert response.status_code == 302
    page = admin_client.get(response["Location"]).content.decode()
    assert "Rate card of VT main loaded: 1 new, 0 updated." in page


def test_a_missing_header_or_binary_file_is_explained(admin_client, conn):
    response = upload(admin_client, conn, "92,0.01\n")
    assert "The header must name the columns channel, prefix and price" in response.content.decode()
    file = SimpleUploadedFile("rates.xlsx", b"\xff\xfe\x00\x01PK", content_type="application/octet-stream")
    response = admin_client.post(f"/admin/connections/{conn.pk}/rates/", {"file": file})
    assert "The file is not UTF-8 text" in response.content.decode()
    response = admin_client.post(f"/admin/connections/{conn.pk}/rates/", {})
    assert response.status_code == 200 and response.context["form"].errors["file"]


def test_template_and_export(admin_client, conn):
    template = admin_client.get(f"/admin/connections/{conn.pk}/rates/template.csv")
    assert template["Content-Type"].startswith("text/csv")
    assert template.content.decode().splitlines()[0] == "channel,prefix,price,unit,currency"
    # The template loads as it is.
    assert upload(admin_client, conn, template.content.decode()).status_code == 302
    export = admin_client.get(f"/admin/connections/{conn.pk}/rates/export.csv").content.decode().splitlines()
    assert export[0] == "channel,prefix,price,unit,currency" and len(export) == 5
