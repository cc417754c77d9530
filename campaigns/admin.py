"""Django admin (/django-admin/) for superusers only: every model, secrets never shown.

Big tables use raw id inputs and skip the full count so a page stays fast with
millions of rows."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from campaigns import models as m


def superuser_only(request: HttpRequest) -> bool:
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = superuser_only
admin.site.site_header = "Campaign portal: operator admin"


class BigTableAdmin(admin.ModelAdmin):
    show_full_result_count = False
    list_per_page = 50


@admin.register(m.Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "currency", "balance", "reserved", "is_active", "created_at")
    list_filter = ("is_active", "currency")
    search_fields = ("name", "slug")
    readonly_fields = ("balance", "reserved")  # moved only through the ledger


@admin.register(m.Subaccount)
class SubaccountAdmin(admin.ModelAdmin):
    list_display = ("name", "account", "credit_limit", "is_active")
    list_filter = ("is_active", "account")
    search_fields = ("name",)


@admin.register(m.Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "account", "role", "subaccount")
    list_filter = ("role", "account")
    search_fields = ("user__email", "user__username")
    raw_id_fields = ("user",)


@admin.register(m.SenderID)
class SenderIDAdmin(admin.ModelAdmin):
    list_display = ("value", "channel", "account", "status", "connection", "decided_at")
    list_filter = ("status", "channel", "account")
    search_fields = ("value",)
    raw_id_fields = ("requested_by", "decided_by")


@admin.register(m.Template)
class TemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "account", "connection", "provider_template_id", "provider_status")
    list_filter = ("kind", "account")
    search_fields = ("name", "provider_template_id")


@admin.register(m.VoiceRecording)
class VoiceRecordingAdmin(admin.ModelAdmin):
    list_display = ("name", "account", "status", "duration_seconds", "provider_reference", "created_at")
    list_filter = ("status", "account")
    raw_id_fields = ("uploaded_by",)


@admin.register(m.Contact)
class ContactAdmin(BigTableAdmin):
    list_display = ("phone", "first_name", "last_name", "account", "created_at")
    list_filter = ("account",)
    search_fields = ("=phone", "last_name")


@admin.register(m.ContactList)
class ContactListAdmin(admin.ModelAdmin):
    list_display = ("name", "account", "subaccount", "created_at")
    list_filter = ("account",)
    search_fields = ("name",)


@admin.register(m.Segment)
class SegmentAdmin(admin.ModelAdmin):
    list_display = ("name", "account", "subaccount", "created_by", "updated_at")
    list_filter = ("account",)
    search_fields = ("name",)
    raw_id_fields = ("created_by",)


@admin.register(m.ListMembership)
class ListMembershipAdmin(BigTableAdmin):
    list_display = ("contact_list", "contact", "added_at")
    raw_id_fields = ("contact_list", "contact")


@admin.register(m.ContactField)
class ContactFieldAdmin(admin.ModelAdmin):
    list_display = ("key", "label", "account")
    list_filter = ("account",)


@admin.register(m.ContactNumber)
class ContactNumberAdmin(BigTableAdmin):
    """Read-mostly: filled from the contacts' attributes (campaigns/services/attribute_numbers.py)."""

    list_display = ("contact", "key", "value", "account")
    raw_id_fields = ("contact", "account")


@admin.register(m.Suppression)
class SuppressionAdmin(BigTableAdmin):
    list_display = ("phone", "account", "reason", "source", "created_at")
    list_filter = ("reason", "source", "account")
    search_fields = ("=phone",)


@admin.register(m.ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ("original_name", "account", "status", "total_rows", "processed_rows", "rejected_count", "created_at")
    list_filter = ("status", "account")
    raw_id_fields = ("created_by", "contact_list")


@admin.register(m.Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("name", "account", "channel", "status", "recipients", "spent", "created_at")
    list_filter = ("status", "channel", "account")
    search_fields = ("name",)
    raw_id_fields = ("created_by", "sender", "template", "connection")
    date_hierarchy = "created_at"


@admin.register(m.Message)
class MessageAdmin(BigTableAdmin):
    list_display = ("id", "to", "channel", "status", "error_code", "provider_message_id", "campaign", "created_at")
    list_filter = ("status", "channel")
    search_fields = ("=to", "=provider_message_id")
    raw_id_fields = ("campaign", "contact", "connection", "subaccount")
    list_select_related = ("campaign",)


@admin.register(m.StatusCount)
class StatusCountAdmin(BigTableAdmin):
    list_display = ("campaign", "status", "count", "is_squashed")
    list_filter = ("status", "is_squashed")
    raw_id_fields = ("campaign",)


@admin.register(m.InboundMessage)
class InboundMessageAdmin(BigTableAdmin):
    list_display = ("from_number", "kind", "text", "account", "is_opt_out", "received_at")
    list_filter = ("kind", "is_opt_out", "account")
    search_fields = ("=from_number", "text")
    raw_id_fields = ("contact", "campaign", "message", "connection", "conversation")


@admin.register(m.Conversation)
class ConversationAdmin(BigTableAdmin):
    list_display = ("phone", "account", "subaccount", "status", "inbound_count", "assigned_to", "last_message_at")
    list_filter = ("status", "account")
    search_fields = ("=phone",)
    raw_id_fields = ("contact", "connection", "last_campaign", "assigned_to", "read_by")


@admin.register(m.ConversationRead)
class ConversationReadAdmin(BigTableAdmin):
    list_display = ("conversation", "user", "seen", "read_at")
    raw_id_fields = ("conversation", "user")


@admin.register(m.UssdSession)
class UssdSessionAdmin(BigTableAdmin):
    list_display = ("phone", "campaign", "step", "state", "updated_at")
    list_filter = ("state",)
    raw_id_fields = ("campaign", "message", "contact")


@admin.register(m.OtpRequest)
class OtpRequestAdmin(BigTableAdmin):
    list_display = ("to", "channel", "account", "attempts", "expires_at", "verified_at")
    exclude = ("code_hash",)
    raw_id_fields = ("connection", "message")


@admin.register(m.Price)
class PriceAdmin(admin.ModelAdmin):
    list_display = ("account", "channel", "prefix", "unit", "amount")
    list_filter = ("channel", "unit", "account")


@admin.register(m.LedgerEntry)
class LedgerEntryAdmin(BigTableAdmin):
    list_display = ("created_at", "account", "kind", "amount", "balance_after", "subaccount", "description")
    list_filter = ("kind", "account")
    raw_id_fields = ("campaign", "message", "created_by")

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # the balance is the sum of the ledger: entries are never edited

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(m.EngineClock)
class EngineClockAdmin(admin.ModelAdmin):
    list_display = ("key", "value")
    search_fields = ("key",)


@admin.register(m.BatchPoll)
class BatchPollAdmin(BigTableAdmin):
    list_display = ("batch_id", "connection", "polls", "next_poll_at", "done", "created_at")
    list_filter = ("done",)
    raw_id_fields = ("connection",)


@admin.register(m.Subscription)
class SubscriptionAdmin(BigTableAdmin):
    list_display = ("contact", "connection", "status", "frequency", "since", "source")
    list_filter = ("status", "source")
    raw_id_fields = ("contact", "connection", "account")


@admin.register(m.MediaAsset)
class MediaAssetAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "status", "connection", "account", "created_at")
    list_filter = ("status", "kind")
    raw_id_fields = ("connection", "account", "uploaded_by")


@admin.register(m.ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("name", "prefix", "account", "read_only", "last_used_at", "revoked_at")
    list_filter = ("read_only", "account")
    exclude = ("key_hash",)
    raw_id_fields = ("created_by",)

    def has_add_permission(self, request) -> bool:
        return False  # keys are created in the portal, where the raw key is shown once


@admin.register(m.EventSubscription)
class EventSubscriptionAdmin(admin.ModelAdmin):
    list_display = ("url", "account", "active", "created_at")
    list_filter = ("active", "account")
    exclude = ("secret",)


@admin.register(m.EventDelivery)
class EventDeliveryAdmin(BigTableAdmin):
    list_display = ("kind", "subscription", "status", "attempts", "last_status_code", "created_at")
    list_filter = ("status", "kind")
    raw_id_fields = ("subscription",)


@admin.register(m.DeliveryAttempt)
class DeliveryAttemptAdmin(BigTableAdmin):
    list_display = ("delivery", "number", "status_code", "duration_ms", "created_at")
    raw_id_fields = ("delivery",)


@admin.register(m.IdempotencyClaim)
class IdempotencyClaimAdmin(BigTableAdmin):
    list_display = ("key", "account", "message", "created_at")
    search_fields = ("=key",)
    raw_id_fields = ("message",)


@admin.register(m.AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is append-only, nobody adds, changes or deletes a record here."""

    list_display = ("created_at", "account", "actor_label", "action", "target_label", "ip")
    list_filter = ("action", "actor_kind")
    search_fields = ("actor_label", "target_label", "action")
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(m.KeywordRule)
class KeywordRuleAdmin(admin.ModelAdmin):
    list_display = ("keyword", "action", "account", "is_active")
    list_filter = ("action", "is_active", "account")
    search_fields = ("keyword",)
    readonly_fields = ("normalized",)


@admin.register(m.ConsentRecord)
class ConsentRecordAdmin(BigTableAdmin):
    list_display = ("contact", "channel", "status", "source", "detail", "created_at")
    list_filter = ("status", "source", "channel")
    raw_id_fields = ("contact",)


@admin.register(m.Notice)
class NoticeAdmin(admin.ModelAdmin):
    """What happened once (campaign finished, low balance...), fanned out to users' notifications."""

    list_display = ("created_at", "account", "kind", "title")
    list_filter = ("kind",)
    raw_id_fields = ("account",)
    search_fields = ("title", "key")


@admin.register(m.Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "notice", "read_at")
    raw_id_fields = ("notice", "user")


@admin.register(m.NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user",)
    raw_id_fields = ("user",)


class RouteConnectionInline(admin.TabularInline):
    model = m.RouteConnection
    raw_id_fields = ("connection",)
    extra = 0


@admin.register(m.Route)
class RouteAdmin(admin.ModelAdmin):
    """Which connections carry a channel's messages to a destination (campaigns/services/routing)."""

    list_display = ("name", "account", "subaccount", "channel", "match_kind", "match_value", "strategy", "enabled")
    list_filter = ("channel", "match_kind", "strategy", "enabled")
    raw_id_fields = ("account", "subaccount")
    search_fields = ("name", "match_value")
    inlines = [RouteConnectionInline]


@admin.register(m.RateCardEntry)
class RateCardEntryAdmin(admin.ModelAdmin):
    list_display = ("connection", "channel", "prefix", "price", "currency", "unit", "updated_at")
    list_filter = ("channel", "unit")
    raw_id_fields = ("connection",)
    search_fields = ("prefix",)


@admin.register(m.ConnectionHealth)
class ConnectionHealthAdmin(admin.ModelAdmin):
    """The circuit breaker of each connection: out of rotation until ``open_until``."""

    list_display = ("connection", "state", "consecutive_failures", "open_until", "times_opened", "last_error")
    list_filter = ("state",)
    raw_id_fields = ("connection",)


@admin.register(m.RouteAttempt)
class RouteAttemptAdmin(BigTableAdmin):
    list_display = ("created_at", "message", "connection", "moved_to", "outcome", "error_code")
    list_filter = ("outcome",)
    raw_id_fields = ("message", "connection", "moved_to")


@admin.register(m.RouteConnection)
class RouteConnectionAdmin(admin.ModelAdmin):
    list_display = ("route", "connection", "position", "weight")
    raw_id_fields = ("route", "connection")


@admin.register(m.CampaignVariant)
class CampaignVariantAdmin(admin.ModelAdmin):
    """A/B test variants: A is the campaign's own content, B-D their own text."""

    list_display = ("campaign", "label")
    raw_id_fields = ("campaign",)


@admin.register(m.ABTest)
class ABTestAdmin(admin.ModelAdmin):
    list_display = ("campaign", "mode", "metric", "phase", "decide_at", "winner")
    list_filter = ("phase", "mode", "metric")
    raw_id_fields = ("campaign", "winner", "picked_by")


@admin.register(m.ShortLink)
class ShortLinkAdmin(BigTableAdmin):
    list_display = ("code", "url", "campaign", "contact", "created_at")
    search_fields = ("=code",)
    raw_id_fields = ("account", "campaign", "message", "contact")


@admin.register(m.Click)
class ClickAdmin(BigTableAdmin):
    list_display = ("clicked_at", "link", "campaign", "contact", "is_bot", "bot_reason")
    list_filter = ("is_bot",)
    raw_id_fields = ("link", "account", "campaign", "contact", "message")


@admin.register(m.SendWave)
class SendWaveAdmin(admin.ModelAdmin):
    list_display = ["campaign", "starts_at", "zone", "reason", "recipients"]
    list_filter = ["reason"]
    raw_id_fields = ["campaign"]
