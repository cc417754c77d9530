"""The campaign list as CSV: every status count and the rates of each campaign, from the
same definition as the pages and the API (campaigns/services/rates.py)."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.http import HttpRequest, StreamingHttpResponse

from campaigns.models import Campaign
from campaigns.services.counts import empty_counts
from campaigns.services.rates import rates
from campaigns.status import ORDER
from campaigns.views.marketing.campaigns import counts_for
from portal.tenancy import member_required, scoped

HEADER = [
    "id",
    "name",
    "status",
    "channel",
    "created_at",
    "recipients",
    *map(str, ORDER),
    "total",
    "outcomes",
    "delivery_rate",
    "failure_rate",
    "spent",
    "currency",
]
PAGE = 500


class _Echo:
    def write(self, value: str) -> str:
        return value


def _rate(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def report_rows(campaigns, currency: str) -> Iterator[list]:
    """One row per campaign; counts read for a page of campaigns at a time."""
    last = None
    while True:
        page = campaigns.order_by("-id")
        if last is not None:
            page = page.filter(pk__lt=last)
        page = list(page[:PAGE])
        if not page:
            return
        counts = counts_for([c.pk for c in page])
        for c in page:
            found = counts.get(c.pk) or {**empty_counts(), "total": 0}
            figures = rates(found, c.expired_unsent)
            yield [
                c.pk, c.name, c.status, c.channel, c.created_at.isoformat(), c.recipients,
                *(found.get(str(s), 0) for s in ORDER), figures.total, figures.outcomes,
                _rate(figures.delivery_rate), _rate(figures.failure_rate), f"{c.spent:.4f}", currency,
            ]  # fmt: skip
        last = page[-1].pk


@member_required
def campaign_report_csv(request: HttpRequest) -> StreamingHttpResponse:
    qs = scoped(request, Campaign.objects.all()).filter(is_test=False)
    status = request.GET.get("status", "")
    if status in Campaign.Status.values:
        qs = qs.filter(status=status)
    writer = csv.writer(_Echo())

    def stream() -> Iterator[str]:
        yield writer.writerow(HEADER)
        for row in report_rows(qs, request.account.currency):
            yield writer.writerow(row)

    response = StreamingHttpResponse(stream(), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="campaigns.csv"'
    return response
