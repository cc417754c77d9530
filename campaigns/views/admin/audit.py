"""Admin > Audit log: who did what in the account, filtered by action, actor and date."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from campaigns.models import AuditEvent
from campaigns.views.admin.paging import keyset_page
from portal.tenancy import admin_required, scoped

AREAS = [
    ("", "Everything"),
    ("login", "Logins"),
    ("mfa.", "Two-factor"),
    ("user.", "Users"),
    ("member.", "Roles"),
    ("api_key.", "API keys"),
    ("connection.", "Connections"),
    ("sender_id.", "Sender IDs"),
    ("recording.", "Recordings"),
    ("price.", "Prices"),
    ("ledger.", "Top-ups"),
    ("campaign.", "Campaigns"),
    ("contact", "Contacts"),
    ("account.", "Account settings"),
]


class AuditFilterForm(forms.Form):
    area = forms.ChoiceField(label="What", choices=AREAS, required=False)
    actor = forms.CharField(
        label="Who", required=False, max_length=100, widget=forms.TextInput(attrs={"placeholder": "e-mail or key name"})
    )
    since = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def apply(self, events):
        if not self.is_valid():
            return events
        data = self.cleaned_data
        if data["area"]:
            events = events.filter(action__startswith=data["area"])
        if data["actor"]:
            events = events.filter(actor_label__icontains=data["actor"])
        if data["since"]:
            events = events.filter(created_at__date__gte=data["since"])
        if data["until"]:
            events = events.filter(created_at__date__lte=data["until"])
        return events


def change_rows(changes: dict) -> list[tuple[str, str, str | None]]:
    """(field, before, after) for a change, (key, value, None) for a detail."""
    rows = []
    for key, value in (changes or {}).items():
        if isinstance(value, list) and len(value) == 2:
            rows.append((key, _shown(value[0]), _shown(value[1])))
        else:
            rows.append((key, _shown(value), None))
    return rows


def _shown(value) -> str:
    return "—" if value in (None, "") else str(value)


@admin_required
def audit_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    events = scoped(request, AuditEvent.objects.all(), subaccount_field=None)
    events = form.apply(events) if form.is_bound else events
    page = keyset_page(request, events, size=50)
    for event in page.rows:
        event.change_rows = change_rows(event.changes)
    return render(request, "admin_area/audit/list.html", {"form": form, "page": page})
