"""“Your settings”: the time zone the portal shows times in, the phone for test sends, and
which notifications the user gets (in the portal, by e-mail)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from campaigns.forms.user_settings import NotificationPreferenceForm, UserSettingsForm
from campaigns.services.notifications import preferences_of
from portal.tenancy import member_required


@member_required
def user_settings(request: HttpRequest) -> HttpResponse:
    data = request.POST or None
    form = UserSettingsForm(data, instance=request.membership)
    notify_form = NotificationPreferenceForm(data, prefix="notify", preference=preferences_of(request.user), role=request.membership.role)
    if request.method == "POST" and form.is_valid() and notify_form.is_valid():
        form.save()
        notify_form.save()
        messages.success(request, "Your settings were saved.")
        return redirect("user_settings")
    return render(request, "settings/user.html", {"form": form, "notify_form": notify_form})
