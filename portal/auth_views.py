"""Log in (password, then a code when two-factor is on), the lockout answer, and password reset."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from portal import mfa


def lockout_minutes() -> int:
    return max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))


def lockout_message() -> str:
    minutes = lockout_minutes()
    unit = "minute" if minutes == 1 else "minutes"
    return f"Too many failed attempts. Try again in {minutes} {unit}."


def locked_out(request: HttpRequest, response: HttpResponse | None = None, credentials: dict | None = None) -> HttpResponse:
    """django-axes' answer for a locked-out username or IP: the login page with the reason (429)."""
    from django.contrib.auth.forms import AuthenticationForm

    # Unbound: validating the form again would try the password again (and count a failure).
    form = AuthenticationForm(request, initial={"username": request.POST.get("username", "")[:150]})
    context = {"form": form, "lockout": lockout_message(), "next": request.POST.get("next", "")}
    return render(request, "auth/login.html", context, status=429)


class LoginView(auth_views.LoginView):
    template_name = "auth/login.html"
    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        url = super().get_success_url()
        if mfa.mfa_pending(self.request) == "verify":
            return "/login/verify/?" + urlencode({"next": url})
        return url


def safe_next(request: HttpRequest, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """The second step: a code from the authenticator app, or one recovery code."""
    from portal.mfa_forms import CodeForm

    if mfa.mfa_pending(request) != "verify":
        return redirect(safe_next(request))
    form = CodeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.log_in(request)
        return redirect(safe_next(request))
    # No menu yet: every page but this one waits for the code.
    return render(request, "auth/verify.html", {"form": form, "next": safe_next(request), "hide_nav": True})
