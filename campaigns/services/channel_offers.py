"""What the account's routes can carry, as the composer offers it to a marketer: which
channels have a connection behind them, and which options (flash SMS, voice kinds,
WhatsApp message types) at least one of those connections offers. Marketers never see
the connections themselves; the router picks one per message when the campaign sends."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from campaigns.models import Account, Route, Subaccount
from campaigns.models.senders import CHANNEL_CHOICES
from campaigns.services.routing import Router
from providers.base import Capability as C
from providers.models import ProviderConnection

VOICE_KINDS = [("call", "Voice call with a recording", C.VOICE_CALL), ("otp", "Voice OTP (text read out)", C.VOICE_OTP)]
WHATSAPP_TYPES = [
    ("template", "Template message", C.WHATSAPP_TEMPLATE),
    ("text", "Text (only inside a 24 h session)", C.WHATSAPP_TEXT),
    ("image", "Image", C.WHATSAPP_MEDIA),
    ("video", "Video", C.WHATSAPP_MEDIA),
    ("audio", "Audio", C.WHATSAPP_MEDIA),
    ("document", "Document", C.WHATSAPP_MEDIA),
]


def carrying_connections(account: Account, channel: str, subaccount: Subaccount | None = None) -> list[ProviderConnection]:
    """The active connections that can carry ``channel`` for this account (and subaccount):
    those named in its enabled routes for the channel, else (no route for the channel yet)
    every active connection that serves it, which is the router's own default. The same
    rule as ``usable_senders`` in campaigns/services/routing."""
    pool = Router(account, channel, subaccount=subaccount).pool
    routed = _routed_connection_ids(account, channel, subaccount)
    return [c for c in pool if not routed or c.pk in routed]


def _routed_connection_ids(account: Account, channel: str, subaccount: Subaccount | None) -> set[int]:
    routes = Route.objects.filter(account=account, channel=channel, enabled=True)
    routes = routes.filter(Q(subaccount__isnull=True) | Q(subaccount=subaccount)) if subaccount else routes
    return set(routes.values_list("members__connection_id", flat=True)) - {None}


def _options(connections: list[ProviderConnection], kinds: list[tuple[str, str, C]]) -> list[str]:
    offered = set()
    for conn in connections:
        offered |= {key for key, _, cap in kinds if cap in conn.capabilities()}
    return [key for key, _, _ in kinds if key in offered]


def channel_offers(account: Account, subaccount: Subaccount | None = None) -> dict[str, dict[str, Any]]:
    """Per channel: can it be sent at all, and which options some connection behind it offers."""
    offers = {}
    for channel, _ in CHANNEL_CHOICES:
        conns = carrying_connections(account, channel, subaccount)
        offers[channel] = {
            "available": bool(conns),
            "flash": channel == "sms" and any(C.SMS_FLASH in c.capabilities() for c in conns),
            "voice": _options(conns, VOICE_KINDS) if channel == "voice" else [],
            "whatsapp": _options(conns, WHATSAPP_TYPES) if channel == "whatsapp" else [],
        }
    return offers
