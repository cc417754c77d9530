"""The campaign list as CSV: status counts and the rates from the one definition."""

from __future__ import annotations

import csv
import io

from campaigns.models import Campaign, StatusCount


def rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_rates_and_cancelled_in_the_export(marketer_client, world, draft):
    Campaign.objects.filter(pk=draft.pk).update(status="cancelled", expired_unsent=2)
    for status, n in {"delivered": 16, "rejected": 1, "expired": 3, "cancelled": 563}.items():
        StatusCount.objects.create(account=world.account, campaign=draft, status=status, count=n)
    response = marketer_client.get("/campaigns/campaigns.csv")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv"
    (row,) = rows(response)
    assert (row["status"], row["cancelled"], row["failed"], row["total"]) == ("cancelled", "563", "0", "583")
    assert (row["outcomes"], row["delivery_rate"], row["failure_rate"]) == ("18", "88.9", "11.1")
    assert row["spent"] == "0.0000" and row["currency"] == world.account.currency


def test_filters_and_access(marketer_client, viewer_client, outsider_client, draft):
    assert rows(marketer_client.get("/campaigns/campaigns.csv?status=completed")) == []
    assert len(rows(viewer_client.get("/campaigns/campaigns.csv"))) == 1
    assert rows(outsider_client.get("/campaigns/campaigns.csv")) == []
