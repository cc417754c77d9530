"""WhatsApp media registered once with the provider (VT /wa/media) and reused by id."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from campaigns.models.tenancy import Account


class MediaAsset(models.Model):
    class Kind(models.TextChoices):
        IMAGE = "image", "Image"
        VIDEO = "video", "Video"
        AUDIO = "audio", "Audio"
        DOCUMENT = "document", "Document"

    class Status(models.TextChoices):
        UPLOADING = "uploading", "Uploading"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="media_assets")
    connection = models.ForeignKey("providers.ProviderConnection", on_delete=models.CASCADE, related_name="media_assets")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    mime_type = models.CharField(max_length=100)
    source_url = models.URLField(max_length=500, blank=True, default="", help_text="The public link the provider fetched.")
    file = models.FileField(upload_to="media/%Y/%m/", blank=True)
    provider_media_id = models.CharField(max_length=120, blank=True, default="")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UPLOADING)
    error = models.CharField(max_length=300, blank=True, default="")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name
