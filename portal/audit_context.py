"""Sets the audit actor (the logged-in user and their IP) for the length of a web request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from campaigns.services.audit import acting_as, user_actor
from portal.security import client_ip


class AuditActorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with acting_as(user_actor(getattr(request, "user", None), client_ip(request))):
            return self.get_response(request)
