"""WhatsApp templates synced from a connection's provider into our Templates (a background task)."""

from __future__ import annotations

import logging

from django.utils import timezone

from campaigns.models import Template
from providers.base import Channel, ProviderException
from providers.models import ProviderConnection
from providers.registry import calling

log = logging.getLogger(__name__)


def sync_templates(connection_id: int) -> dict:
    """Create or update a Template per remote template; returns a summary for the task log."""
    connection = ProviderConnection.objects.get(pk=connection_id)
    try:
        with calling(connection) as backend:
            remote = backend.sync_templates()
    except (ProviderException, NotImplementedError) as exc:
        message = getattr(getattr(exc, "error", None), "message", "") or str(exc) or "the provider does not list templates"
        ProviderConnection.objects.filter(pk=connection_id).update(last_check_message=f"Template sync failed: {message}"[:300])
        return {"ok": False, "error": message}
    now = timezone.now()
    for item in remote:
        Template.objects.update_or_create(
            connection=connection,
            provider_template_id=item.provider_template_id,
            defaults={
                "account_id": connection.account_id,
                "kind": "whatsapp" if item.channel == Channel.WHATSAPP else "voice",
                "name": item.name[:120],
                "body": item.body,
                "variables": list(item.variables),
                "language": item.language[:20],
                "category": item.category[:40],
                "has_media": item.media,
                "provider_status": item.status[:40],
                "synced_at": now,
            },
        )
    return {"ok": True, "count": len(remote)}
