"""The account's own settings, for its admins."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from campaigns.forms.account_settings import AccountSettingsForm
from portal.tenancy import admin_required

GENERAL_FIELDS = ("timezone", "country", "low_balance_threshold")  # the rest in fieldsets of their own


@admin_required
def account_settings(request: HttpRequest) -> HttpResponse:
    form = AccountSettingsForm(request.POST or None, instance=request.account)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Settings saved.")
        return redirect("admin_area:settings")
    return render(request, "admin_area/settings.html", {"form": form, "general_fields": GENERAL_FIELDS})
