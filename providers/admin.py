"""Django admin for the provider records; credentials are never shown or edited here."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html

from providers.models import HeldReport, ProviderCall, ProviderConnection, WebhookEvent


@admin.register(ProviderConnection)
class ProviderConnectionAdmin(admin.ModelAdmin):
    list_display = ("name", "provider", "account", "base_url", "mps", "is_active", "last_check_ok", "balance")
    list_filter = ("provider", "is_active", "account")
    search_fields = ("name",)
    exclude = ("credentials_encrypted", "webhook_token")
    readonly_fields = ("balance", "balance_currency", "balance_checked_at", "last_check_ok", "last_check_message")


@admin.register(ProviderCall)
class ProviderCallAdmin(admin.ModelAdmin):
    list_display = ("created_at", "connection", "method", "url", "status_code", "duration_ms", "error")
    list_filter = ("method", "connection__provider")
    raw_id_fields = ("connection", "account")
    show_full_result_count = False


@admin.register(WebhookEvent)
class WebhookEventAdmin(admin.ModelAdmin):
    """The raw body is stored as bytes; it is shown decoded (bad bytes as U+FFFD) and escaped."""

    list_display = ("received_at", "provider", "kind", "connection", "outcome")
    list_filter = ("outcome", "provider")
    raw_id_fields = ("connection", "account")
    readonly_fields = ("shown_body",)
    show_full_result_count = False

    @admin.display(description="Body (as text)")
    def shown_body(self, event: WebhookEvent) -> str:
        size = len(event.raw_body)
        return format_html('<pre class="webhook-body">{}</pre><p class="help">{} byte(s) as received.</p>', event.body_text, size)


@admin.register(HeldReport)
class HeldReportAdmin(admin.ModelAdmin):
    """Status reports waiting for their message (matched again every few seconds)."""

    list_display = ("received_at", "connection", "provider_message_id", "to", "tries")
    raw_id_fields = ("connection", "event")
    show_full_result_count = False
