"""Per-key (or per-user for sessions) rate limits; 429 answers carry Retry-After."""

from __future__ import annotations

from rest_framework.throttling import SimpleRateThrottle


class PerKeyThrottle(SimpleRateThrottle):
    scope = "api_key"

    def get_cache_key(self, request, view) -> str | None:
        api_scope = getattr(request._request, "api_scope", None)
        if api_scope is None:
            return None  # unauthenticated requests are refused before any work
        return self.cache_format % {"scope": self.scope, "ident": api_scope.throttle_ident}


class SendThrottle(PerKeyThrottle):
    """A tighter limit for what costs money: transactional sends and OTPs."""

    scope = "api_send"

    def allow_request(self, request, view) -> bool:
        if request.method != "POST":
            return True
        return super().allow_request(request, view)
