"""/health: a bare liveness answer for anyone; the details for platform staff or the health token."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_http_methods

from portal.mfa import is_verified


def _may_see_details(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_staff and is_verified(user):
        return True  # staff must have passed their second factor

    token = settings.HEALTH_TOKEN
    keyword, _, given = request.headers.get("Authorization", "").partition(" ")
    return bool(token) and keyword.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        return False


@require_http_methods(["GET", "HEAD"])
def health(request: HttpRequest) -> JsonResponse:
    if _may_see_details(request):
        from campaigns.services.stats import health_report

        report = health_report()
        report["status"] = "ok" if report["db"] else "error"
        return JsonResponse(report, status=200 if report["db"] else 503)
    alive = _database_answers()
    return JsonResponse({"status": "ok" if alive else "error"}, status=200 if alive else 503)
