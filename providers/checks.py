"""'Test connection': runs the backend's harmless check in a background task and records
the outcome on the connection (never inside a web request)."""

from __future__ import annotations

import logging

from django.utils import timezone

from providers.base import ConnectionCheck, ConnectionConfig, ProviderBackend, ProviderException
from providers.models import ProviderConnection
from providers.registry import backend_for

log = logging.getLogger(__name__)
PROBE_TIMEOUT = 5.0  # seconds: the probe runs while the admin waits for the form


def run_check(connection: ProviderConnection) -> ConnectionCheck:
    """The backend's verdict; a provider error or a crash becomes a failed check."""
    backend = backend_for(connection)
    try:
        return backend.test_connection()
    except ProviderException as exc:
        error = exc.error
        detail = f" ({error.raw_code})" if error.raw_code else ""
        return ConnectionCheck(ok=False, message=f"{error.message or error.code}{detail}")
    except Exception as exc:  # a bug or an unexpected reply must still reach the admin
        log.exception("connection check crashed for connection %s", connection.pk)
        return ConnectionCheck(ok=False, message=f"The check failed unexpectedly: {exc.__class__.__name__}: {exc}")
    finally:
        flush_http_log(backend)


def flush_http_log(backend) -> None:
    """Save the ProviderCall rows the backend's HTTP seam collected (it buffers them)."""
    http = getattr(backend, "http", None)
    if http is not None:
        http.flush()


def probe_base_url(
    backend_cls: type[ProviderBackend], base_url: str, credentials: dict[str, str], settings: dict, account_id: int | None = None
) -> str:
    """Run the provider's test call against ``base_url`` before a connection is saved: ""
    unless a request there answered 404 (no such API at that address), else a hint saying
    what the document's base URL is. Other failures are left to 'Test connection'."""
    import httpx

    from providers.http import ProviderHTTP, installed_transport

    client = httpx.Client(timeout=PROBE_TIMEOUT, transport=installed_transport())
    http = ProviderHTTP(client, connection_id=None, account_id=account_id, redact=backend_cls.redact_keys)
    config = ConnectionConfig(id=0, provider=backend_cls.slug, base_url=base_url.rstrip("/"), credentials=credentials, settings=settings)
    try:
        backend_cls(config, http).test_connection()
    except Exception:
        log.info("base URL probe of %s failed", backend_cls.slug, exc_info=True)
    finally:
        client.close()
    missing = [call.url for call in http.calls if call.status_code == 404]
    http.flush()
    if not missing:
        return ""
    return f"{missing[0]} answered 404 Not Found: there is no {backend_cls.name} API at this base URL. Use {backend_cls.base_url_help}"


def check_connection(connection_id: int) -> bool | None:
    """Task: check one connection and store last_check_* and the balance it reported."""
    connection = ProviderConnection.objects.filter(pk=connection_id).first()
    if connection is None:
        return None
    result = run_check(connection)
    connection.last_check_ok = result.ok
    connection.last_check_message = (result.message or ("Connected." if result.ok else "Failed."))[:300]
    connection.balance_checked_at = timezone.now()
    fields = ["last_check_ok", "last_check_message", "balance_checked_at"]
    if result.balance is not None:
        connection.balance = result.balance
        connection.balance_currency = result.currency[:8]
        fields += ["balance", "balance_currency"]
    connection.save(update_fields=fields)
    return result.ok
