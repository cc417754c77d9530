from django.urls import path, register_converter

from campaigns.views import dashboard, notifications, user_settings
from campaigns.views.marketing import (
    ab_tests,
    campaign_report,
    campaigns,
    composer,
    composer_tests,
    contact_filters,
    contacts,
    conversations,
    imports,
    inbox,
    lists,
    media,
    message_timeline,
    provider_ops,
    recordings,
    resend,
    segments,
    suppressions,
    templates,
)


class ActionConverter:
    regex = "pause|resume|cancel|duplicate|resend-failed"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ActionConverter, "any_action")

urlpatterns = [
    path("", dashboard.home, name="home"),
    path("settings/", user_settings.user_settings, name="user_settings"),
    path("notifications/", notifications.notification_list, name="notifications"),
    path("notifications/read-all/", notifications.notification_read_all, name="notification_read_all"),
    path("notifications/<int:pk>/", notifications.notification_open, name="notification_open"),
    path("notifications/<int:pk>/read/", notifications.notification_read, name="notification_read"),
    # Campaigns
    path("campaigns/", campaigns.campaign_index, name="campaigns"),
    path("campaigns/new/", composer.compose_new, name="compose_new"),
    path("campaigns/campaigns.csv", campaign_report.campaign_report_csv, name="campaign_report_csv"),
    path("campaigns/compose/analyze.json", composer.analyze_text, name="compose_analyze"),
    path("campaigns/compose/preview.json", composer.preview_text, name="compose_preview"),
    path("campaigns/compose/audience.json", composer.audience_count, name="compose_audience"),
    path("campaigns/<int:pk>/", campaigns.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/edit/ab-test/", ab_tests.compose_ab_test, name="compose_ab_test"),
    path("campaigns/<int:pk>/pick-winner/", ab_tests.campaign_pick_winner, name="campaign_pick_winner"),
    path("campaigns/<int:pk>/edit/<slug:step>/", composer.compose_step, name="compose_step"),
    path("campaigns/<int:pk>/test/", composer_tests.compose_test, name="compose_test"),
    path("campaigns/<int:pk>/tests.json", composer_tests.compose_tests_json, name="compose_tests"),
    path("campaigns/<int:pk>/launch/", composer.compose_launch, name="compose_launch"),
    path("campaigns/<int:pk>/estimate.json", composer.compose_estimate, name="compose_estimate"),
    path("campaigns/<int:pk>/counts.json", campaigns.campaign_counts_json, name="campaign_counts"),
    path("campaigns/<int:pk>/stats.json", campaigns.campaign_stats_json, name="campaign_stats"),
    path("campaigns/<int:pk>/messages.csv", campaigns.campaign_export, name="campaign_export"),
    path("campaigns/<int:pk>/messages/<int:message_pk>/timeline.json", message_timeline.message_timeline, name="message_timeline"),
    path("campaigns/<int:pk>/delete/", campaigns.campaign_delete, name="campaign_delete"),
    path("campaigns/<int:pk>/resend/", resend.campaign_resend, name="campaign_resend"),
    path("campaigns/<int:pk>/<any_action:action>/", campaigns.campaign_action, name="campaign_action"),
    # Contacts
    path("contacts/", contacts.contact_list, name="contacts"),
    path("contacts/new/", contacts.contact_create, name="contact_create"),
    path("contacts/export.csv", contact_filters.contact_export, name="contact_export"),
    path("contacts/add-to-list/", contacts.contact_bulk_add, name="contact_bulk_add"),
    path("contacts/<int:pk>/", contacts.contact_detail, name="contact_detail"),
    path("contacts/<int:pk>/edit/", contacts.contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/delete/", contacts.contact_delete, name="contact_delete"),
    path("contacts/<int:pk>/subscription/", provider_ops.contact_subscription, name="contact_subscription"),
    path("contacts/import/", imports.import_upload, name="import_upload"),
    path("contacts/import/<int:pk>/map/", imports.import_map, name="import_map"),
    path("contacts/import/<int:pk>/", imports.import_detail, name="import_detail"),
    path("contacts/import/<int:pk>/progress.json", imports.import_progress, name="import_progress"),
    path("contacts/import/<int:pk>/rejects.csv", imports.import_rejects, name="import_rejects"),
    # Segments
    path("segments/", segments.segment_index, name="segments"),
    path("segments/new/", segments.segment_create, name="segment_create"),
    path("segments/count.json", segments.segment_count, name="segment_count"),
    path("segments/<int:pk>/", segments.segment_detail, name="segment_detail"),
    path("segments/<int:pk>/delete/", segments.segment_delete, name="segment_delete"),
    # Lists
    path("lists/", lists.list_index, name="lists"),
    path("lists/new/", lists.list_create, name="list_create"),
    path("lists/<int:pk>/", lists.list_detail, name="list_detail"),
    path("lists/<int:pk>/edit/", lists.list_edit, name="list_edit"),
    path("lists/<int:pk>/delete/", lists.list_delete, name="list_delete"),
    path("lists/<int:pk>/carrier-lookup/", provider_ops.list_carrier_lookup, name="list_carrier_lookup"),
    path("lists/<int:pk>/members/", lists.list_add_member, name="list_add_member"),
    path("lists/<int:pk>/members/<int:contact_pk>/remove/", lists.list_remove_member, name="list_remove_member"),
    # Templates, recordings, inbox
    path("templates/", templates.template_index, name="templates"),
    path("templates/new/", templates.template_create, name="template_create"),
    path("templates/sync/", templates.template_sync, name="template_sync"),
    path("templates/<int:pk>/edit/", templates.template_edit, name="template_edit"),
    path("templates/<int:pk>/delete/", templates.template_delete, name="template_delete"),
    path("wa/media/", media.media_index, name="media_index"),
    path("wa/media/file/<str:token>/", media.media_public, name="media_public"),
    path("recordings/", recordings.recording_index, name="recordings"),
    path("recordings/new/", recordings.recording_upload, name="recording_upload"),
    path("recordings/<int:pk>/", recordings.recording_detail, name="recording_detail"),
    path("recordings/<int:pk>/audio/", recordings.recording_audio, name="recording_audio"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("conversations/", conversations.conversation_list, name="conversations"),
    path("conversations/<int:pk>/", conversations.conversation_detail, name="conversation_detail"),
    path("conversations/<int:pk>/reply/", conversations.conversation_reply, name="conversation_reply"),
    path("conversations/<int:pk>/assign/", conversations.conversation_assign, name="conversation_assign"),
    path("conversations/<int:pk>/done/", conversations.conversation_done, name="conversation_done"),
    # Suppressions
    path("suppressions/", suppressions.suppression_index, name="suppressions"),
    path("suppressions/new/", suppressions.suppression_add, name="suppression_add"),
    path("suppressions/<int:pk>/remove/", suppressions.suppression_remove, name="suppression_remove"),
]
