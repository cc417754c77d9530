"""The provider-callback lane: webhook requests skip the browser middleware."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

# The same paths as portal/urls.py's two webhook routes (slug provider, token, slug kind).
WEBHOOK_PATH = re.compile(r"^/webhooks/(?P<provider>[-a-zA-Z0-9_]+)/(?P<token>[^/]+)/(?:(?P<kind>[-a-zA-Z0-9_]+)/)?$")
METHODS = frozenset({"GET", "POST", "PUT"})


class WebhookLaneMiddleware:
    """Answers provider callbacks before sessions, authentication, CSRF, messages and
    tenancy run: none applies to them (the URL's token is their credential), and skipping
    them is a third of the request's cost at 1,000 reports a second. Anything else,
    including a webhook URL with a wrong shape or method, goes down the usual stack."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in METHODS and request.path_info.startswith("/webhooks/"):
            match = WEBHOOK_PATH.match(request.path_info)
            if match:
                from providers.intake import receive

                response = receive(request, match["provider"], match["token"], match["kind"] or "")
                response.headers["Content-Length"] = str(len(response.content))  # else chunked: keep-alive senders want a length
                return response
        return self.get_response(request)
