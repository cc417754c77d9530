"""/api/v1/rate-cards: a connection's costs per prefix, entry by entry or uploaded as CSV
(rejected rows come back with their line and reason); admin keys only; the costs drive
least-cost routes."""

from __future__ import annotations

from decimal import Decimal

from campaigns.models import AuditEvent, RateCardEntry
from campaigns.services.routing import cost_for
from tests.api.conftest import error_of
from tests.conftest import make_connection

URL = "/api/v1/rate-cards"

CSV = """channel,prefix,price,unit,currency
sms,92,0.0040,segment,USD
sms,+92300,0.0030,,
sms,,0.0100,segment,USD
voice,92,0.0200,pulse30,USD
fax,92,0.01,,
sms,92abc,0.01,,
sms,971,free,,
sms,92,0.0050,,
sms,44,0.123456,,
sms,44,0.01,per-sms,
"""


def test_csv_upload_saves_valid_rows_and_reports_each_rejected_one(api, world):
    connection = make_connection(world.account, "vt")
    response = api.post(f"{URL}/upload", {"connection": connection.pk, "csv": CSV})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["created"], body["updated"]) == (4, 0)
    assert [e["line"] for e in body["errors"]] == [6, 7, 8, 9, 10, 11]
    assert "Unknown channel" in body["errors"][0]["message"] and "twice" in body["errors"][3]["message"]
    assert cost_for(connection, "sms", "+923001234567", units=2) == Decimal("0.0060")
    assert cost_for(connection, "sms", "+923331234567") == Decimal("0.0040")
    assert cost_for(connection, "sms", "+447700900123") == Decimal("0.0100")
    assert RateCardEntry.objects.get(channel="sms", prefix="92300").currency == world.account.currency

    again = api.post(f"{URL}/upload", {"connection": connection.pk, "csv": "channel,prefix,price\nsms,92,0.0035\n", "replace": True})
    assert again.json() == {"created": 0, "updated": 1, "errors": []}
    assert list(RateCardEntry.objects.filter(connection=connection).values_list("prefix", "price")) == [("92", Decimal("0.00350"))]
    assert AuditEvent.objects.filter(action="rate_card.uploaded").count() == 2


def test_a_file_without_the_columns_is_refused_whole(api, world):
    connection = make_connection(world.account, "vt")
    body = api.post(f"{URL}/upload", {"connection": connection.pk, "csv": "country,cost\nPK,0.01\n"}).json()
    assert body["created"] == 0 and body["errors"][0]["line"] == 1 and "channel, prefix and price" in body["errors"][0]["message"]


def test_entries_one_by_one_with_409_for_a_taken_prefix(api, world):
    connection = make_connection(world.account, "vt")
    entry = {"connection": connection.pk, "channel": "sms", "prefix": "92", "price": "0.004"}
    created = api.post(URL, entry)
    assert created.status_code == 201, created.content
    assert created.json()["currency"] == world.account.currency
    assert api.post(URL, entry).status_code == 409
    assert api.post(URL, {**entry, "prefix": "+92"}).status_code == 400
    assert api.post(URL, {**entry, "prefix": "93", "price": "-1"}).status_code == 400
    pk = created.json()["id"]
    assert api.patch(f"{URL}/{pk}", {"price": "0.005"}).json()["price"] == "0.00500"
    assert len(api.get(URL, {"connection": connection.pk}).json()["results"]) == 1


def test_only_account_wide_writable_keys_and_never_another_accounts_connection(api, sub_api, ro_api, outsider_api, world):
    connection = make_connection(world.account, "vt")
    entry = {"connection": connection.pk, "channel": "sms", "prefix": "92", "price": "0.004"}
    assert sub_api.post(URL, entry).status_code == 403
    assert ro_api.post(f"{URL}/upload", {"connection": connection.pk, "csv": CSV}).status_code == 403
    response = outsider_api.post(f"{URL}/upload", {"connection": connection.pk, "csv": CSV})
    assert response.status_code == 404 and "connection" in error_of(response)["fields"]
    pk = api.post(URL, entry).json()["id"]
    assert outsider_api.get(f"{URL}/{pk}").status_code == 404
    assert outsider_api.get(URL, {"connection": connection.pk}).json()["results"] == []
    assert RateCardEntry.objects.count() == 1
