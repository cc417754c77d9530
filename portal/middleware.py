"""Small HTTP courtesies for the portal's pages."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve

MACHINE_PREFIXES = ("/api/", "/webhooks/", "/health", "/django-admin/", "/static/")


class PostOnlyRedirectMiddleware:
    """A GET of a URL that only takes POST (a form's target, reloaded or bookmarked after an
    error) goes to the page the form lives on, the nearest path above it that is a page,
    instead of a blank 405: /admin/senders/5/decide/ -> /admin/senders/5/,
    /admin/api-keys/5/revoke/ -> /admin/api-keys/. Machine endpoints keep their 405."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 405 and request.method in ("GET", "HEAD") and not request.path.startswith(MACHINE_PREFIXES):
            return HttpResponseRedirect(parent_path(request.path))
        return response


def parent_path(path: str) -> str:
    parts = [p for p in path.split("/") if p]
    while parts:
        parts.pop()
        candidate = "/" + "".join(f"{p}/" for p in parts)
        try:
            resolve(candidate)
        except Resolver404:
            continue
        return candidate
    return "/"
