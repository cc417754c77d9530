from django.urls import include, path

urlpatterns = [
    path("", include("campaigns.urls_marketing")),
    path("admin/", include("campaigns.urls_admin")),
    path("platform/", include("campaigns.urls_platform")),
]
