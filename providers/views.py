"""Webhook intake (POST or GET /webhooks/<provider>/<token>/[<kind>/])."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from providers.intake import receive


@csrf_exempt
@require_http_methods(["GET", "POST", "PUT"])
def webhook(request: HttpRequest, provider: str, token: str, kind: str = "") -> HttpResponse:
    return receive(request, provider, token, kind)
