"""Platform staff's area, mounted at /platform/."""

from django.urls import path

from campaigns.views import platform

app_name = "platform"

urlpatterns = [
    path("", platform.account_list, name="accounts"),
    path("accounts/<int:pk>/", platform.account_detail, name="account"),
    path("accounts/<int:pk>/top-up/", platform.account_top_up, name="top_up"),
    path("accounts/<int:pk>/prices/new/", platform.price_new, name="price_new"),
    path("accounts/<int:pk>/prices/<int:price_pk>/", platform.price_edit, name="price_edit"),
    path("accounts/<int:pk>/prices/<int:price_pk>/delete/", platform.price_delete, name="price_delete"),
]
