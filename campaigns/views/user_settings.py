"""“Your settings”: each user picks the time zone the portal shows times in."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from campaigns.forms.user_settings import UserSettingsForm
from portal.tenancy import member_required


@member_required
def user_settings(request: HttpRequest) -> HttpResponse:
    form = UserSettingsForm(request.POST or None, instance=request.membership)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your settings were saved.")
        return redirect("user_settings")
    return render(request, "settings/user.html", {"form": form})
