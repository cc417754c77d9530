"""Account > Security: set up two-factor (QR code and secret shown once, confirmed with a code),
recovery codes, and, for account admins, requiring two-factor for the whole account."""

from __future__ import annotations

from base64 import b32encode

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import user_has_device

from portal import mfa
from portal.mfa_forms import CodeForm, ConfirmDeviceForm


def _qr_svg(url: str) -> str:
    # segno writes plain <svg>/<path> markup (no style attributes), fine under the strict CSP.
    return segno.make(url, error="m").svg_inline(scale=4, dark="#1d2330", light="#ffffff", title="Scan with your authenticator app")


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@never_cache  # the key and recovery codes must not stay in a cache
@login_required
def security(request: HttpRequest) -> HttpResponse:
    user = request.user
    account = getattr(request, "account", None)
    context = {
        "required": mfa.mfa_required(user, getattr(request, "membership", None)),
        "enabled": user_has_device(user, confirmed=True),
        "is_account_admin": bool(getattr(request, "membership", None) and request.membership.is_admin),
    }
    if context["enabled"]:
        context["codes_left"] = mfa.recovery_codes_left(user)
        return render(request, "auth/security.html", context)
    device = mfa.pending_device(user)
    form = ConfirmDeviceForm(device, request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = mfa.confirm_device(device, account)
        import django_otp

        django_otp.login(request, device)
        return render(request, "auth/recovery_codes.html", {"codes": codes, "first_time": True})
    context.update(
        form=form,
        qr=mark_safe(_qr_svg(device.config_url)),  # segno's own markup: no user input reaches it as text
        secret=_grouped(b32encode(device.bin_key).decode()),
    )
    return render(request, "auth/security.html", context)


@never_cache
@login_required
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    if not user_has_device(request.user, confirmed=True) or not mfa.is_verified(request.user):
        return redirect("security")
    codes = mfa.new_recovery_codes(request.user)
    return render(request, "auth/recovery_codes.html", {"codes": codes, "first_time": False})


@login_required
@require_POST
def disable(request: HttpRequest) -> HttpResponse:
    membership = getattr(request, "membership", None)
    if mfa.mfa_required(request.user, membership):
        messages.error(request, "Two-factor is required for your user; it cannot be turned off.")
        return redirect("security")
    form = CodeForm(request.user, request.POST)
    if not form.is_valid():
        messages.error(request, "Enter a current code to turn two-factor off.")
        return redirect("security")
    mfa.disable(request.user, getattr(request, "account", None))
    messages.success(request, "Two-factor authentication is off.")
    return redirect("security")


@login_required
@require_POST
def account_policy(request: HttpRequest) -> HttpResponse:
    membership = getattr(request, "membership", None)
    if membership is None or not membership.is_admin:
        raise PermissionDenied("Only an account admin can change this.")
    required = request.POST.get("require_mfa") == "on"
    mfa.set_account_requirement(membership.account, required)
    if required:
        messages.success(request, "Every user of this account now needs two-factor authentication to log in.")
    else:
        messages.success(request, "Two-factor authentication is now optional in this account.")
    return redirect("security")
