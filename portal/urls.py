from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from campaigns.views.short_links import short_link
from portal import auth_views as portal_auth
from portal import security_views
from portal.health import health
from providers.views import webhook

_reset = "auth/password_reset"
urlpatterns = [
    path("login/", portal_auth.LoginView.as_view(), name="login"),
    path("login/verify/", portal_auth.verify, name="login_verify"),
    path("account/security/", security_views.security, name="security"),
    path("account/security/recovery-codes/", security_views.recovery_codes, name="security_recovery_codes"),
    path("account/security/disable/", security_views.disable, name="security_disable"),
    path("account/security/policy/", security_views.account_policy, name="security_policy"),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            template_name=f"{_reset}_form.html",
            email_template_name=f"{_reset}_email.txt",
            subject_template_name=f"{_reset}_subject.txt",
            success_url="/password/reset/sent/",
        ),
        name="password_reset",
    ),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(template_name=f"{_reset}_sent.html"), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(template_name=f"{_reset}_confirm.html", success_url="/password/reset/done/"),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name=f"{_reset}_done.html"),
        name="password_reset_complete",
    ),
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
    path("l/<str:code>", short_link, name="short_link"),
    path("django-admin/", admin.site.urls),
    path("api/", include("campaigns.api.urls")),
    path("", include("campaigns.urls")),
]
