"""Filters of the provider HTTP log."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from providers.models import ProviderConnection

STATUS_CHOICES = [
    ("", "Any outcome"),
    ("ok", "2xx (success)"),
    ("4xx", "4xx (refused)"),
    ("5xx", "5xx (provider error)"),
    ("error", "No answer (timeout, network)"),
]


class HttpLogFilterForm(forms.Form):
    connection = forms.ModelChoiceField(queryset=ProviderConnection.objects.none(), required=False, empty_label="All connections")
    status = forms.ChoiceField(choices=STATUS_CHOICES, required=False, label="Outcome")
    date_from = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))
    q = forms.CharField(required=False, max_length=100, label="Text", help_text="In the URL, bodies or error.")

    def __init__(self, *args, account, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["connection"].queryset = ProviderConnection.objects.filter(account=account)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "“To” is before “From”.")
        return data

    def apply(self, calls: QuerySet) -> QuerySet:
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("connection"):
            calls = calls.filter(connection=data["connection"])
        calls = filter_status(calls, data.get("status", ""))
        zone = timezone.get_current_timezone()
        if data.get("date_from"):
            calls = calls.filter(created_at__gte=datetime.combine(data["date_from"], time.min, zone))
        if data.get("date_to"):
            calls = calls.filter(created_at__lt=datetime.combine(data["date_to"] + timedelta(days=1), time.min, zone))
        return calls

    def text(self) -> str:
        return self.cleaned_data.get("q", "") if self.is_bound and self.is_valid() else ""


def text_filter(calls: QuerySet, text: str) -> QuerySet:
    return calls.filter(
        Q(url__icontains=text) | Q(request_body__icontains=text) | Q(response_body__icontains=text) | Q(error__icontains=text)
    )


def filter_status(calls: QuerySet, status: str) -> QuerySet:
    if status == "ok":
        return calls.filter(status_code__gte=200, status_code__lt=300)
    if status == "4xx":
        return calls.filter(status_code__gte=400, status_code__lt=500)
    if status == "5xx":
        return calls.filter(status_code__gte=500)
    if status == "error":
        return calls.filter(status_code__isnull=True)
    return calls
