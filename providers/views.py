"""Webhook intake: POST /webhooks/<provider>/<token>/[<kind>/]."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def webhook(request: HttpRequest, provider: str, token: str, kind: str = "") -> HttpResponse:
    raise NotImplementedError("built in the send-pipeline work")
