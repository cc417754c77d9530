from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from providers.views import health, webhook

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="auth/login.html", redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(template_name="auth/password_change.html", success_url="/password/done/"),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="auth/password_change_done.html"),
        name="password_change_done",
    ),
    path("health", health, name="health"),
    path("webhooks/<slug:provider>/<str:token>/", webhook, name="webhook"),
    path("webhooks/<slug:provider>/<str:token>/<slug:kind>/", webhook, name="webhook_kind"),
    path("django-admin/", admin.site.urls),
    path("api/", include("campaigns.api.urls")),
    path("", include("campaigns.urls")),
]
