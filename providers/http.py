"""The one HTTP seam to providers: a shared keep-alive httpx client per connection,
with every exchange recorded as a ProviderCall (secrets redacted)."""

from __future__ import annotations

import json
import re
import threading
import time
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
from django.conf import settings

REDACTED = "***"
ALWAYS_REDACT = frozenset({"authorization", "password", "apikey", "api_key", "hash", "token", "secret"})
BODY_LIMIT = 4000

_clients: dict[tuple[int, str], httpx.Client] = {}
_clients_lock = threading.Lock()
_transport: httpx.BaseTransport | None = None


def installed_transport() -> httpx.BaseTransport | None:
    return _transport


def install_transport(transport: httpx.BaseTransport | None) -> None:
    """Tests: make every provider client go through ``transport`` (e.g. the simulators)."""
    global _transport
    close_shared_clients()
    _transport = transport


def shared_client(connection_id: int, base_url: str, *, pool: int = 32) -> httpx.Client:
    """One client per connection and process, so requests reuse keep-alive sockets."""
    key = (connection_id, base_url)
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            limits = httpx.Limits(max_connections=pool, max_keepalive_connections=pool)
            client = httpx.Client(timeout=settings.PROVIDER_HTTP_TIMEOUT, limits=limits, transport=_transport)
            _clients[key] = client
        return client


def close_shared_clients() -> None:
    with _clients_lock:
        for client in _clients.values():
            client.close()
        _clients.clear()


def _redact_mapping(data: Any, keys: frozenset[str]) -> Any:
    if isinstance(data, dict):
        return {k: (REDACTED if str(k).lower() in keys else _redact_mapping(v, keys)) for k, v in data.items()}
    if isinstance(data, list):
        return [_redact_mapping(v, keys) for v in data]
    return data


def redact_url(url: str, keys: frozenset[str]) -> str:
    parts = urlsplit(url)
    if not parts.query:
        return url
    pairs = [(k, REDACTED if k.lower() in keys else v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    return urlunsplit(parts._replace(query=urlencode(pairs, safe="*,+:")))


@lru_cache(maxsize=64)
def _json_secret_pattern(keys: frozenset[str]) -> re.Pattern[str]:
    names = "|".join(re.escape(k) for k in sorted(keys))
    return re.compile(r'("(?:' + names + r')"\s*:\s*)("(?:[^"\\]|\\.)*(?:"|$)|[^,}\]\s]+)', re.IGNORECASE)


def _redact_json_prefix(text: str, keys: frozenset[str]) -> str:
    """Large bodies (bulk requests): redact a prefix textually instead of parsing it all."""
    prefix = text[: BODY_LIMIT + 1000]
    return _json_secret_pattern(keys).sub(lambda m: f'{m.group(1)}"{REDACTED}"', prefix)[:BODY_LIMIT]


def redact_body(body: bytes | str, content_type: str, keys: frozenset[str]) -> str:
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    if not text:
        return ""
    if len(text) > 4 * BODY_LIMIT and ("json" in content_type or text[:1] in "{["):
        return _redact_json_prefix(text, keys)
    if "json" in content_type or text[:1] in "{[":
        try:
            return json.dumps(_redact_mapping(json.loads(text), keys), ensure_ascii=False)[:BODY_LIMIT]
        except ValueError:
            pass
    if "form" in content_type:
        pairs = [(k, REDACTED if k.lower() in keys else v) for k, v in parse_qsl(text, keep_blank_values=True)]
        return urlencode(pairs)[:BODY_LIMIT]
    return text[:BODY_LIMIT]


def redact_headers(headers: httpx.Headers | dict[str, str], keys: frozenset[str]) -> dict[str, str]:
    return {k: (REDACTED if k.lower() in keys else v) for k, v in headers.items()}


class ProviderHTTP:
    """What a backend uses instead of httpx directly.

    ``calls`` collects unsaved ProviderCall rows; the caller saves them in bulk
    (``flush()``) so logging costs no query per request on the hot path."""

    def __init__(
        self, client: httpx.Client, *, connection_id: int | None, account_id: int | None, redact: frozenset[str] = frozenset()
    ) -> None:
        self.client = client
        self.connection_id = connection_id
        self.account_id = account_id
        self.redact = ALWAYS_REDACT | {k.lower() for k in redact}
        self.calls: list[Any] = []
        self._lock = threading.Lock()

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """Send a request and record it. Transport errors are recorded, then re-raised."""
        started = time.monotonic()
        request = self.client.build_request(method, url, **kwargs)
        try:
            response = self.client.send(request)
        except httpx.HTTPError as exc:
            self._record(request, None, started, error=f"{exc.__class__.__name__}: {exc}")
            raise
        self._record(request, response, started)
        return response

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def _record(self, request: httpx.Request, response: httpx.Response | None, started: float, error: str = "") -> None:
        from providers.models import ProviderCall

        req_type = request.headers.get("content-type", "")
        call = ProviderCall(
            connection_id=self.connection_id,
            account_id=self.account_id,
            method=request.method,
            url=redact_url(str(request.url), self.redact)[:2000],
            request_headers=redact_headers(request.headers, self.redact),
            request_body=redact_body(request.content, req_type, self.redact),
            status_code=response.status_code if response is not None else None,
            response_body=redact_body(response.content, response.headers.get("content-type", ""), self.redact)
            if response is not None
            else "",
            duration_ms=int((time.monotonic() - started) * 1000),
            error=error[:500],
        )
        with self._lock:
            self.calls.append(call)

    def flush(self) -> int:
        """Save the recorded calls; returns how many."""
        with self._lock:
            calls, self.calls = self.calls, []
        if calls:
            save_calls(calls)
        return len(calls)


CALL_COLUMNS = (
    "connection_id",
    "account_id",
    "method",
    "url",
    "request_headers",
    "request_body",
    "status_code",
    "response_body",
    "duration_ms",
    "error",
    "created_at",
)


def save_calls(calls: list) -> None:
    """Insert unsaved ProviderCall rows with one executemany. bulk_create prepared each value
    through its field and, on SQLite, cut the rows into small statements: for a
    single-message provider (a row per message) that was a third of recording a chunk,
    inside the write transaction every worker waits for."""
    from django.db import connection
    from django.utils import timezone

    from providers.models import ProviderCall
    from providers.rawsql import insert_sql

    headers = ProviderCall._meta.get_field("request_headers")
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    rows = [
        (
            c.connection_id,
            c.account_id,
            c.method,
            c.url,
            headers.get_db_prep_save(c.request_headers, connection),
            c.request_body,
            c.status_code,
            c.response_body,
            c.duration_ms,
            c.error,
            now,
        )
        for c in calls
    ]
    with connection.cursor() as cursor:
        cursor.executemany(insert_sql(ProviderCall, CALL_COLUMNS), rows)
