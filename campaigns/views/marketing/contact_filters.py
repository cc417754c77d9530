"""The contacts page's segment filters: a saved segment or conditions built on the page (the
segment editor's rule builder), custom fields in the search, the CSV export of what is found."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator

from django.contrib import messages
from django.db.models import Q, QuerySet
from django.db.models.fields.json import KeyTextTransform
from django.db.models.lookups import IContains
from django.http import HttpRequest, StreamingHttpResponse

from campaigns.forms.fields import object_id
from campaigns.models import Account, ContactField, Segment
from campaigns.services import segments as seg
from campaigns.spreadsheets import safe_row
from portal.tenancy import bound_subaccount, member_required, scoped

MAX_SEARCHED_FIELDS = 30


def searchable_fields(account: Account) -> tuple[str, ...]:
    keys = ContactField.objects.filter(account=account).order_by("key").values_list("key", flat=True)[:MAX_SEARCHED_FIELDS]
    return tuple(k for k in keys if seg.ATTRIBUTE_KEY.match(k))


def attribute_search(keys: tuple[str, ...], word: str) -> Q:
    """The word in any of these custom fields (e.g. "gold" in a "tier" field)."""
    found = Q(pk__in=[])
    for key in keys:
        found |= Q(IContains(KeyTextTransform(key, "attributes"), word))
    return found


def _conditions(request: HttpRequest, params) -> tuple[dict | None, list[str]]:
    raw = params.get("conditions", "")
    if not raw:
        return None, []
    try:
        return seg.clean_conditions(request.account, subaccount=bound_subaccount(request), conditions=json.loads(raw[:20000])), []
    except ValueError as exc:  # SegmentError or bad JSON
        return None, getattr(exc, "problems", ["The filter could not be read; build it again."])


def chosen_segment(request: HttpRequest, params) -> Segment | None:
    pk = object_id(params.get("segment"))
    return scoped(request, Segment.objects.all()).filter(pk=pk).first() if pk is not None else None


def filter_by_conditions(request: HttpRequest, qs: QuerySet, params) -> QuerySet:
    segment = chosen_segment(request, params)
    if segment is not None:
        q = seg.segments_filter(request.account, [segment.pk])
        qs = qs.filter(q) if q is not None else qs.none()
    conditions, _ = _conditions(request, params)
    if conditions is not None:
        qs = qs.filter(seg.segment_filter(request.account, conditions))
    return qs


def filter_context(request: HttpRequest) -> dict:
    conditions, problems = _conditions(request, request.GET)
    for problem in problems:
        messages.error(request, f"Filter not applied: {problem}")
    return {
        "segments": scoped(request, Segment.objects.all()),
        "segment_id": request.GET.get("segment", ""),
        "conditions_json": json.dumps(conditions) if conditions else "",
        "conditions": conditions or {"match": "all", "groups": [{"match": "all", "rules": []}]},
        "catalog": seg.catalog(request.account, bound_subaccount(request)),
        "filtering": bool(conditions or chosen_segment(request, request.GET) or request.GET.get("q") or request.GET.get("list")),
    }


class _Echo:
    def write(self, value: str) -> str:
        return value


@member_required
def contact_export(request: HttpRequest) -> StreamingHttpResponse:
    """The contacts the page's search and filters select, as CSV (cells safe from formulas)."""
    from campaigns.views.marketing.contacts import filtered_contacts

    qs = filtered_contacts(request, request.GET).order_by("pk")
    keys = list(ContactField.objects.filter(account=request.account).order_by("key").values_list("key", flat=True))
    writer = csv.writer(_Echo())

    def rows() -> Iterator[str]:
        yield writer.writerow(["phone", "first_name", "last_name", *keys, "network", "created_at"])
        last = 0
        while True:  # keyset pages: no cursor held open while the response streams
            page = list(
                qs.filter(pk__gt=last).values_list("pk", "phone", "first_name", "last_name", "attributes", "network", "created_at")[:2000]
            )
            for _pk, phone, first, last_name, attributes, network, created in page:
                values = [(attributes or {}).get(k, "") for k in keys]
                yield writer.writerow(safe_row([phone, first, last_name, *values, network, created.isoformat()]))
            if not page:
                return
            last = page[-1][0]

    response = StreamingHttpResponse(rows(), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="contacts.csv"'
    return response
