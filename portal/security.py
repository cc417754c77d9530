"""Response headers beyond Django's own, and the client's IP address for throttling and audit."""

from __future__ import annotations

from collections.abc import Callable

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest, HttpResponse


class PermissionsPolicyMiddleware:
    """Turns off browser features the portal never uses (camera, geolocation, payment, ...)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR; in TLS mode (behind our proxy) the address the proxy appended to X-Forwarded-For."""
    if getattr(settings, "TLS", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR", "") or ""


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' check, for logins that come with a request (the web login, the API).
    ``authenticate()`` called without one (a shell, a test client's ``login``) has no IP to throttle."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
