"""Periodic pulls from providers, for what their push may miss: replies (MO catch-up) and
statuses (a consuming status list), on connections whose settings switch them on.
Registered as the engine schedule "engine: provider polls"."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta

from campaigns.models import EngineClock
from campaigns.services.inbound import apply_inbound
from campaigns.services.reports import apply_updates
from providers.base import MessageStatus as S
from providers.base import ProviderException

log = logging.getLogger(__name__)

SEARCH_EVERY = 3600.0  # seconds between two period searches of one connection
SEARCH_SPAN = timedelta(hours=2)  # each search covers the last two hours (overlap: deduplicated)


def _connections_with(attribute: str):
    """Active connections whose backend names a bool setting in ``attribute`` that is on."""
    from providers.models import ProviderConnection
    from providers.registry import backends

    slugs = {slug: getattr(cls, attribute) for slug, cls in backends().items() if getattr(cls, attribute)}
    for connection in ProviderConnection.objects.filter(provider__in=slugs, is_active=True).order_by("pk"):
        cls_default = next((f.default for f in _backend_cls(connection).setting_fields if f.name == slugs[connection.provider]), False)
        if (connection.settings or {}).get(slugs[connection.provider], cls_default):
            yield connection


def _backend_cls(connection):
    from providers.registry import backend_class

    return backend_class(connection.provider)


def poll_inbound(now: float | None = None) -> int:
    """Replies not pushed to us: the consuming list every time, a period search hourly."""
    from providers.registry import calling

    now = time.time() if now is None else now
    stored = 0
    for connection in _connections_with("inbound_poll_setting"):
        key = f"poll:mo-search:{connection.pk}"
        try:
            with calling(connection) as backend:
                items = backend.fetch_inbound()
                last_search = EngineClock.objects.filter(key=key).values_list("value", flat=True).first() or 0.0
                if now - last_search >= SEARCH_EVERY:
                    until = datetime.fromtimestamp(now, tz=UTC)
                    items += backend.fetch_inbound(since=until - SEARCH_SPAN, until=until)
                    EngineClock.objects.update_or_create(key=key, defaults={"value": now})
        except ProviderException as exc:
            log.warning("reply poll failed on connection %s: %s", connection.pk, exc.error.message)
            continue
        stored += apply_inbound(connection, items).count("applied")
    return stored


def poll_status_lists() -> int:
    """Statuses from the provider's consuming status list (where the connection enables it)."""
    from providers.registry import calling

    applied = 0
    for connection in _connections_with("status_list_setting"):
        try:
            with calling(connection) as backend:
                updates = backend.fetch_status_list()
        except ProviderException as exc:
            log.warning("status list pull failed on connection %s: %s", connection.pk, exc.error.message)
            continue
        updates = [u for u in updates if u.status != S.UNKNOWN]
        applied += apply_updates(connection.pk, connection.account_id, updates).count("applied")
    return applied


def run() -> dict[str, int]:
    return {"replies": poll_inbound(), "statuses": poll_status_lists()}
