"""Account-admin area, mounted at /admin/ (the API owner adds api-keys/)."""

from django.urls import path

from campaigns.views.admin import senders

app_name = "admin_area"

urlpatterns = [
    path("senders/", senders.sender_list, name="senders"),
    path("senders/request/", senders.sender_request, name="sender_request"),
    path("senders/<int:pk>/", senders.sender_detail, name="sender_detail"),
    path("senders/<int:pk>/decide/", senders.sender_decide, name="sender_decide"),
]
