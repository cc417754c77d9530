"""The provider-callback lane: webhook requests skip the browser middleware."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse

# The same paths as portal/urls.py's two webhook routes (slug provider, token, slug kind).
WEBHOOK_PATH = re.compile(r"^/webhooks/(?P<provider>[-a-zA-Z0-9_]+)/(?P<token>[^/]+)/(?:(?P<kind>[-a-zA-Z0-9_]+)/)?$")
METHODS = frozenset({"GET", "POST", "PUT"})
log = logging.getLogger(__name__)


def webhook_match(method: str | None, path: str) -> re.Match | None:
    """The webhook route a request is for, or None (another path, shape or method)."""
    if method in METHODS and path.startswith("/webhooks/"):
        return WEBHOOK_PATH.match(path)
    return None


class WebhookLaneMiddleware:
    """Answers provider callbacks before sessions, authentication, CSRF, messages and
    tenancy run: none applies to them (the URL's token is their credential), and skipping
    them is a third of the request's cost at 1,000 reports a second. Anything else,
    including a webhook URL with a wrong shape or method, goes down the usual stack."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        match = webhook_match(request.method, request.path_info)
        if match:
            from providers.intake import receive

            response = receive(request, match["provider"], match["token"], match["kind"] or "")
            response.headers["Content-Length"] = str(len(response.content))  # else chunked: keep-alive senders want a length
            return response
        return self.get_response(request)


class WebhookLaneApp:
    """The same lane one step earlier, around Django's WSGI handler (portal/wsgi.py): a
    callback is answered without the request signals and the middleware chain, which were
    half of what a report cost the web process. Requests that do not match go to Django."""

    def __init__(self, django_app: Callable) -> None:
        self.django_app = django_app

    def __call__(self, environ: dict, start_response: Callable):
        match = webhook_match(environ.get("REQUEST_METHOD"), environ.get("PATH_INFO", ""))
        if match:
            return self.answer(environ, start_response, match)
        return self.django_app(environ, start_response)

    @staticmethod
    def answer(environ: dict, start_response: Callable, match: re.Match) -> list[bytes]:
        from django.core.handlers.wsgi import WSGIRequest
        from django.db import close_old_connections

        from providers.intake import receive

        try:
            response = receive(WSGIRequest(environ), match["provider"], match["token"], match["kind"] or "")
        except SuspiciousOperation as exc:  # e.g. a body over DATA_UPLOAD_MAX_MEMORY_SIZE: the sender's fault, as Django answers it
            log.warning("webhook %s refused: %s", environ.get("PATH_INFO", ""), exc)
            response = HttpResponse("bad request", status=400, content_type="text/plain")
        except Exception:
            log.exception("webhook %s failed", environ.get("PATH_INFO", ""))
            close_old_connections()  # a broken database connection is replaced on the next request
            response = HttpResponse("server error", status=500, content_type="text/plain")
        body = response.content
        start_response(
            f"{response.status_code} {response.reason_phrase}",
            [("Content-Type", response["Content-Type"]), ("Content-Length", str(len(body)))],
        )
        return [body]
