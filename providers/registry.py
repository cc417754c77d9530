"""Provider backends by slug, loaded from settings.PROVIDER_BACKENDS."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.module_loading import import_string

from providers.base import ProviderBackend

if TYPE_CHECKING:
    from providers.models import ProviderConnection


class UnknownProvider(LookupError):
    pass


@cache
def backends() -> dict[str, type[ProviderBackend]]:
    found: dict[str, type[ProviderBackend]] = {}
    for path in settings.PROVIDER_BACKENDS:
        cls = import_string(path)
        found[cls.slug] = cls
    return found


def backend_class(slug: str) -> type[ProviderBackend]:
    try:
        return backends()[slug]
    except KeyError as exc:
        raise UnknownProvider(f"No provider backend called {slug!r}.") from exc


def choices() -> list[tuple[str, str]]:
    return [(slug, cls.name) for slug, cls in backends().items()]


def backend_for(connection: ProviderConnection) -> ProviderBackend:
    """A ready backend for a connection, over the process's shared HTTP client."""
    from providers.http import ProviderHTTP, shared_client

    cls = backend_class(connection.provider)
    client = shared_client(connection.pk, connection.base_url, pool=max(cls.concurrency, 4))
    http = ProviderHTTP(client, connection_id=connection.pk, account_id=connection.account_id, redact=cls.redact_keys)
    from campaigns.services.pacing import wait_for_operation

    return cls(connection.config(), http, pacer=wait_for_operation)


@contextmanager
def calling(connection: ProviderConnection) -> Iterator[ProviderBackend]:
    """A backend for one-off calls (OTP, template sync, lookups...): its HTTP exchanges are
    saved to the HTTP log when the block ends, whatever happened."""
    backend = backend_for(connection)
    try:
        yield backend
    finally:
        backend.http.flush()
