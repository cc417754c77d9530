"""Account-admin area, mounted at /admin/ (the API owner adds api-keys/)."""

from django.urls import path

from campaigns.views.admin import account_settings, api_keys, audit, billing, connections, http_log, keywords, senders, subaccounts, users

app_name = "admin_area"

urlpatterns = [
    path("senders/", senders.sender_list, name="senders"),
    path("senders/request/", senders.sender_request, name="sender_request"),
    path("senders/<int:pk>/", senders.sender_detail, name="sender_detail"),
    path("senders/<int:pk>/decide/", senders.sender_decide, name="sender_decide"),
    path("connections/", connections.connection_list, name="connections"),
    path("connections/new/", connections.connection_new, name="connection_new"),
    path("connections/<int:pk>/", connections.connection_detail, name="connection_detail"),
    path("connections/<int:pk>/edit/", connections.connection_edit, name="connection_edit"),
    path("connections/<int:pk>/test/", connections.connection_test, name="connection_test"),
    path("connections/<int:pk>/rotate-token/", connections.connection_rotate_token, name="connection_rotate_token"),
    path("connections/<int:pk>/check-status/", connections.connection_check_status, name="connection_check_status"),
    path("users/", users.user_list, name="users"),
    path("users/new/", users.user_new, name="user_new"),
    path("users/<int:pk>/", users.user_edit, name="user_edit"),
    path("users/<int:pk>/active/", users.user_set_active, name="user_set_active"),
    path("users/<int:pk>/password/", users.user_password, name="user_password"),
    path("subaccounts/", subaccounts.subaccount_list, name="subaccounts"),
    path("subaccounts/new/", subaccounts.subaccount_new, name="subaccount_new"),
    path("subaccounts/<int:pk>/", subaccounts.subaccount_edit, name="subaccount_edit"),
    path("keywords/", keywords.keyword_list, name="keywords"),
    path("keywords/new/", keywords.keyword_new, name="keyword_new"),
    path("keywords/<int:pk>/", keywords.keyword_edit, name="keyword_edit"),
    path("keywords/<int:pk>/delete/", keywords.keyword_delete, name="keyword_delete"),
    path("billing/", billing.billing_home, name="billing"),
    path("billing/top-up/", billing.topup_moved, name="topup"),
    path("billing/line/", billing.ledger_line, name="ledger_line"),
    path("settings/", account_settings.account_settings, name="settings"),
    path("audit/", audit.audit_list, name="audit"),
    path("http-log/", http_log.call_list, name="http_log"),
    path("http-log/<int:pk>/", http_log.call_detail, name="http_log_detail"),
    path("api-keys/", api_keys.api_key_list, name="api_keys"),
    path("api-keys/new/", api_keys.api_key_create, name="api_key_create"),
    path("api-keys/<int:pk>/revoke/", api_keys.api_key_revoke, name="api_key_revoke"),
    path("api-keys/events/", api_keys.event_deliveries, name="api_key_events"),
]
