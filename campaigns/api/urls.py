"""/api/v1/ resources, the OpenAPI schema and Swagger UI; anything else under /api/ is a JSON 404."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from campaigns.api import schema  # noqa: F401  (registers the auth schemes)
from campaigns.api.errors import not_found
from campaigns.api.views.account import BalanceView, LedgerViewSet
from campaigns.api.views.campaigns import CampaignViewSet
from campaigns.api.views.contacts import ContactViewSet
from campaigns.api.views.events import EventDeliveryViewSet, EventSubscriptionViewSet
from campaigns.api.views.lists import ContactListViewSet
from campaigns.api.views.messages import InboundMessageViewSet, MessageViewSet
from campaigns.api.views.otp import OtpViewSet
from campaigns.api.views.senders import ConnectionViewSet, RecordingViewSet, SenderIDViewSet, TemplateViewSet
from campaigns.api.views.suppressions import SuppressionViewSet


class Router(DefaultRouter):
    include_root_view = False
    include_format_suffixes = False


router = Router()
router.trailing_slash = "/?"  # both /contacts and /contacts/ work
router.register("contacts", ContactViewSet, basename="api-contact")
router.register("lists", ContactListViewSet, basename="api-list")
router.register("suppressions", SuppressionViewSet, basename="api-suppression")
router.register("sender-ids", SenderIDViewSet, basename="api-sender")
router.register("templates", TemplateViewSet, basename="api-template")
router.register("recordings", RecordingViewSet, basename="api-recording")
router.register("connections", ConnectionViewSet, basename="api-connection")
router.register("campaigns", CampaignViewSet, basename="api-campaign")
router.register("messages", MessageViewSet, basename="api-message")
router.register("inbound-messages", InboundMessageViewSet, basename="api-inbound")
router.register("ledger", LedgerViewSet, basename="api-ledger")
router.register("otp", OtpViewSet, basename="api-otp")
router.register("event-subscriptions", EventSubscriptionViewSet, basename="api-subscription")
router.register("event-deliveries", EventDeliveryViewSet, basename="api-delivery")

v1 = [
    *router.urls,
    re_path(r"^balance/?$", BalanceView.as_view(), name="api-balance"),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    re_path(r"^.*$", not_found),
]
