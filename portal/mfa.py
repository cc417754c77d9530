"""Two-factor rules: who must use it, and the middleware that holds a half-logged-in user
at the code page (or at enrolment when their account or staff status requires it)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import urlencode
from django_otp import user_has_device

# Paths a user who still owes a code may reach: the code page, enrolment, logout, assets,
# and lanes that never use the session (API keys, webhooks, health).
_OPEN_PREFIXES = ("/login/", "/logout/", "/account/security/", "/static/", "/health", "/webhooks/", "/api/", "/password/reset/")


def mfa_required(user, membership=None) -> bool:
    """Platform staff always; everyone in an account whose admin requires it."""
    if user.is_staff or user.is_superuser:
        return True
    return bool(membership is not None and membership.account.require_mfa)


def is_verified(user) -> bool:
    """True once this session's login included a second factor (django-otp's flag)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def mfa_pending(request: HttpRequest) -> str | None:
    """'verify' when the user must still enter a code, 'enrol' when they must set one up, else None."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or is_verified(user):
        return None
    if user_has_device(user, confirmed=True):
        return "verify"
    if mfa_required(user, getattr(request, "membership", None)):
        return "enrol"
    return None


class MfaRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(_OPEN_PREFIXES):
            pending = mfa_pending(request)
            if pending == "verify":
                return redirect("/login/verify/?" + urlencode({"next": request.get_full_path()}))
            if pending == "enrol":
                return redirect("/account/security/")
        return self.get_response(request)


RECOVERY_CODES = 10


def pending_device(user):
    """The user's authenticator being set up (unconfirmed), created on first call."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def confirm_device(device, account) -> list[str]:
    """Turns two-factor on with ``device``; returns the new recovery codes (shown once)."""
    from campaigns.services import audit

    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = new_recovery_codes(device.user)
    audit.record("mfa.enabled", account=account, target=device.user)
    return codes


def new_recovery_codes(user) -> list[str]:
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    device, _ = StaticDevice.objects.get_or_create(user=user, name="Recovery codes", defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def recovery_codes_left(user) -> int:
    from django_otp.plugins.otp_static.models import StaticToken

    return StaticToken.objects.filter(device__user=user).count()


def disable(user, account) -> None:
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from campaigns.services import audit

    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit.record("mfa.disabled", account=account, target=user)


def set_account_requirement(account, required: bool) -> None:
    from campaigns.services import audit

    if account.require_mfa == required:
        return
    account.require_mfa = required
    account.save(update_fields=["require_mfa"])
    audit.record("account.require_mfa", account=account, target=account, changes={"require_mfa": [not required, required]})
