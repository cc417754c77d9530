"""A connection's rate card: what it costs per channel and destination prefix, uploaded
as CSV (rows with errors are listed by line and reason), with a template to start from."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from campaigns.models import RateCardEntry
from campaigns.services.routing import import_rate_card
from campaigns.services.routing.costs import CSV_COLUMNS
from campaigns.spreadsheets import SafeCsvWriter
from portal.tenancy import admin_required, get_scoped
from providers.models import ProviderConnection

SHOWN = 300
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
TEMPLATE_ROWS = [
    ("sms", "92", "0.0040", "segment", ""),
    ("sms", "92300", "0.0035", "segment", ""),
    ("voice", "92", "0.0120", "pulse30", ""),
    ("whatsapp", "", "0.0100", "message", ""),
]


class RateUploadForm(forms.Form):
    file = forms.FileField(label="Rate card (CSV)", help_text="Columns: channel, prefix, price, and optionally unit and currency.")
    replace = forms.BooleanField(required=False, label="Remove the prices not in this file (only when every row is valid)")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is larger than 5 MB; split it.")
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError("The file is not UTF-8 text: save it as CSV (UTF-8) and upload again.") from None


def _connection(request: HttpRequest, pk: int) -> ProviderConnection:
    return get_scoped(request, ProviderConnection.objects.select_related("account"), subaccount_field=None, pk=pk)


@admin_required
def rate_card(request: HttpRequest, pk: int) -> HttpResponse:
    conn = _connection(request, pk)
    form = RateUploadForm(request.POST, request.FILES) if request.method == "POST" else RateUploadForm()
    result = None
    if request.method == "POST" and form.is_valid():
        result = import_rate_card(conn, form.cleaned_data["file"], replace=form.cleaned_data["replace"])
        if not result.errors:
            messages.success(request, f"Rate card of {conn.name} loaded: {result.created} new, {result.updated} updated.")
            return redirect("admin_area:rate_card", pk=conn.pk)
    entries = RateCardEntry.objects.filter(connection=conn).order_by("channel", "prefix")
    context = {"connection": conn, "form": form, "result": result, "entries": entries[:SHOWN], "total": entries.count(), "shown": SHOWN}
    return render(request, "admin_area/connections/rate_card.html", context)


def _csv_response(filename: str, rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = SafeCsvWriter(response)
    writer.writerow(CSV_COLUMNS)
    writer.writerows(rows)
    return response


@admin_required
def rate_card_template(request: HttpRequest, pk: int) -> HttpResponse:
    conn = _connection(request, pk)
    return _csv_response(f"rate-card-template-{conn.pk}.csv", TEMPLATE_ROWS)


@admin_required
def rate_card_export(request: HttpRequest, pk: int) -> HttpResponse:
    conn = _connection(request, pk)
    rows = (
        RateCardEntry.objects.filter(connection=conn)
        .order_by("channel", "prefix")
        .values_list("channel", "prefix", "price", "unit", "currency")
    )
    return _csv_response(f"rate-card-{conn.pk}.csv", rows.iterator())
