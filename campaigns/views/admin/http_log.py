"""The provider HTTP log (ProviderCall): filters, keyset paging, detail (stored redacted)."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from campaigns.forms.admin_http_log import HttpLogFilterForm
from campaigns.views.admin.paging import keyset_page
from portal.tenancy import admin_required, get_scoped, scoped
from providers.models import ProviderCall

LIST_COLUMNS = ("id", "connection__name", "method", "url", "status_code", "duration_ms", "error", "created_at")


@admin_required
def call_list(request: HttpRequest) -> HttpResponse:
    form = HttpLogFilterForm(request.GET or None, account=request.account)
    calls = scoped(request, ProviderCall.objects.select_related("connection"), subaccount_field=None)
    calls = form.apply(calls) if form.is_bound else calls
    page = keyset_page(request, calls.only(*LIST_COLUMNS), size=50)
    return render(request, "admin_area/http_log/list.html", {"form": form, "page": page})


def pretty(body: str) -> str:
    """JSON bodies indented for reading; anything else as stored."""
    try:
        return json.dumps(json.loads(body), indent=2, ensure_ascii=False)
    except (ValueError, TypeError):
        return body


@admin_required
def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_scoped(request, ProviderCall.objects.select_related("connection"), subaccount_field=None, pk=pk)
    context = {
        "call": call,
        "request_headers": json.dumps(call.request_headers or {}, indent=2, ensure_ascii=False),
        "request_body": pretty(call.request_body),
        "response_body": pretty(call.response_body),
    }
    return render(request, "admin_area/http_log/detail.html", context)
