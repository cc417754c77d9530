"""'Test connection': runs the backend's harmless check in a background task and records
the outcome on the connection (never inside a web request)."""

from __future__ import annotations

import logging

from django.utils import timezone

from providers.base import ConnectionCheck, ProviderException
from providers.models import ProviderConnection
from providers.registry import backend_for

log = logging.getLogger(__name__)


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
