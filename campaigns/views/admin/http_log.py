"""The provider HTTP log (ProviderCall): filters, keyset paging, detail (stored redacted)."""

from __future__ import annotations

import contextlib
import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from campaigns.forms.admin_http_log import HttpLogFilterForm, text_filter
from campaigns.services import retention
from campaigns.views.admin.paging import before_param, keyset_page
from portal.tenancy import admin_required, get_scoped, scoped
from providers import registry
from providers.http import ALWAYS_REDACT, redact_body, redact_headers, redact_url
from providers.models import ProviderCall

TEXT_SCAN_LIMIT = 100_000
LIST_COLUMNS = ("id", "connection__name", "connection__provider", "method", "url", "status_code", "duration_ms", "error", "created_at")


@admin_required
def call_list(request: HttpRequest) -> HttpResponse:
    form = HttpLogFilterForm(request.GET or None, account=request.account)
    calls = scoped(request, ProviderCall.objects.select_related("connection"), subaccount_field=None)
    calls = form.apply(calls) if form.is_bound else calls
    floor = None
    if form.text():
        # A substring search cannot use an index: look at a bounded window of calls at a time.
        floor = scan_floor(calls, before_param(request))
        calls = text_filter(calls if floor is None else calls.filter(pk__gt=floor), form.text())
    page = keyset_page(request, calls.only(*LIST_COLUMNS), size=50)
    for call in page.rows:
        call.display_url = redact_url(call.url, redaction_keys(call))
    context = {"form": form, "page": page, "scan_floor": floor, "scan_limit": TEXT_SCAN_LIMIT, "retention": retention.policy()}
    return render(request, "admin_area/http_log/list.html", context)


def scan_floor(calls, before: int) -> int | None:
    """The id below the newest TEXT_SCAN_LIMIT calls (from ``before``), or None when fewer."""
    window = calls.filter(pk__lt=before) if before else calls
    ids = list(window.order_by("-pk").values_list("pk", flat=True)[TEXT_SCAN_LIMIT : TEXT_SCAN_LIMIT + 1])
    return ids[0] if ids else None


def redaction_keys(call: ProviderCall) -> frozenset[str]:
    """The seam redacts before storing; redacting again on display guards old or odd rows."""
    keys = set(ALWAYS_REDACT)
    if call.connection is not None:
        with contextlib.suppress(registry.UnknownProvider, ImportError):
            keys |= {k.lower() for k in registry.backend_class(call.connection.provider).redact_keys}
    return frozenset(keys)


def pretty(body: str) -> str:
    """JSON bodies indented for reading; anything else as stored."""
    try:
        return json.dumps(json.loads(body), indent=2, ensure_ascii=False)
    except (ValueError, TypeError):
        return body


@admin_required
def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_scoped(request, ProviderCall.objects.select_related("connection"), subaccount_field=None, pk=pk)
    keys = redaction_keys(call)
    context = {
        "call": call,
        "url": redact_url(call.url, keys),
        "request_headers": json.dumps(redact_headers(call.request_headers or {}, keys), indent=2, ensure_ascii=False),
        "request_body": pretty(redact_body(call.request_body, "", keys)),
        "response_body": pretty(redact_body(call.response_body, "", keys)),
    }
    return render(request, "admin_area/http_log/detail.html", context)
