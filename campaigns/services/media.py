"""The WhatsApp media library: a file or link registered once with the provider (VT
/wa/media, which fetches a public URL), its media id stored and reused by campaigns and
API sends. The provider is called in a task, never in the request."""

from __future__ import annotations

import mimetypes

from django.conf import settings

from campaigns.models import MediaAsset
from providers.base import Capability, ProviderException

KIND_BY_TYPE = {"image": "image", "video": "video", "audio": "audio"}
MAX_BYTES = 16 * 1024 * 1024  # WhatsApp's media limit for video and audio; images are smaller


def media_connections(account_id: int):
    from providers.models import ProviderConnection
    from providers.registry import backends

    slugs = [slug for slug, cls in backends().items() if cls.supports(Capability.MEDIA_UPLOAD)]
    return ProviderConnection.objects.filter(account_id=account_id, provider__in=slugs, is_active=True).order_by("name")


def guess(name: str, given: str = "") -> tuple[str, str]:
    """(kind, mime type) of a file or link."""
    mime = given or mimetypes.guess_type(name)[0] or "application/octet-stream"
    return KIND_BY_TYPE.get(mime.split("/")[0], "document"), mime


def public_url(asset: MediaAsset) -> str:
    """The link the provider fetches: the given one, else our stored file under SITE_URL."""
    if asset.source_url:
        return asset.source_url
    from django.urls import reverse

    from campaigns.views.marketing.media import public_token

    return settings.SITE_URL.rstrip("/") + reverse("media_public", args=[public_token(asset)])


def register(asset_id: int) -> bool:
    """Task: hand the media to the provider and keep its id."""
    from providers.registry import calling

    asset = MediaAsset.objects.select_related("connection").get(pk=asset_id)
    try:
        with calling(asset.connection) as backend:
            media_id = backend.upload_media(public_url(asset), asset.mime_type)
    except ProviderException as exc:
        MediaAsset.objects.filter(pk=asset.pk).update(status=MediaAsset.Status.FAILED, error=(exc.error.message or exc.error.code)[:300])
        return False
    MediaAsset.objects.filter(pk=asset.pk).update(status=MediaAsset.Status.READY, provider_media_id=media_id[:120], error="")
    return True


def queue_register(asset: MediaAsset) -> None:
    from django_q.tasks import async_task

    async_task("campaigns.services.media.register", asset.pk, group="media")


def media_payload(asset: MediaAsset, caption: str = "", filename: str = "") -> dict:
    """The WhatsApp payload part of a message showing this media (by the provider's id)."""
    media = {"id": asset.provider_media_id}
    if caption:
        media["caption"] = caption
    if asset.kind == MediaAsset.Kind.DOCUMENT:
        media["filename"] = filename or asset.name
    return {"type": asset.kind, "media": media, "media_asset": asset.pk}
