"""Forms of the two-factor pages: a code at login, and confirming a new authenticator."""

from __future__ import annotations

import django_otp
from django import forms
from django.http import HttpRequest
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from campaigns.services import audit

# django-otp doubles the wait after each wrong code (1 s, 2 s, 4 s, ...).
TOO_FAST = "Too many wrong codes in a row. Wait a few seconds, then enter the newest code."


def _fits(device, code: str) -> bool:
    """App codes are digits only; recovery codes are letters and digits."""
    is_app_code = code.isdigit() and len(code) == getattr(device, "digits", 6)
    return is_app_code if isinstance(device, TOTPDevice) else not is_app_code


def _clean_code(value: str) -> str:
    return "".join(value.split()).replace("-", "").lower()


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=32,
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
    )

    def __init__(self, user, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = None

    def clean_code(self) -> str:
        code = _clean_code(self.cleaned_data["code"])
        waiting = False
        for device in devices_for_user(self.user, confirmed=True):
            if not _fits(device, code):
                continue  # a recovery code tried on the app's device would only slow the user down
            allowed, _ = device.verify_is_allowed()
            if not allowed:
                waiting = True
                continue
            if device.verify_token(code):
                self.device = device
                return code
        if waiting:
            raise forms.ValidationError(TOO_FAST)
        audit.record("login.mfa_failed", account=_account_of(self.user), target=self.user)
        raise forms.ValidationError("That code is not right (or was already used). Try the newest code from your app.")

    @property
    def used_recovery_code(self) -> bool:
        return isinstance(self.device, StaticDevice)

    def log_in(self, request: HttpRequest) -> None:
        django_otp.login(request, self.device)
        how = "recovery code" if self.used_recovery_code else "authenticator"
        audit.record("login.mfa", account=_account_of(self.user), target=self.user, changes={"with": how})


class ConfirmDeviceForm(forms.Form):
    code = forms.CharField(
        label="Code from the app",
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def __init__(self, device: TOTPDevice, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self) -> str:
        code = _clean_code(self.cleaned_data["code"])
        if not self.device.verify_is_allowed()[0]:
            raise forms.ValidationError(TOO_FAST)
        if not self.device.verify_token(code):
            raise forms.ValidationError("That code is not right. Check the time on your phone and try the newest code.")
        return code


def _account_of(user):
    from campaigns.models import Membership

    membership = Membership.objects.select_related("account").filter(user=user).first()
    return membership.account if membership else None
