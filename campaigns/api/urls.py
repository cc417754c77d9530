"""/api/v1/ resources, the OpenAPI schema and Swagger UI; anything else under /api/ is a JSON 404."""

from django.urls import include, path, re_path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from campaigns.api import schema  # noqa: F401  (registers the auth schemes)
from campaigns.api.errors import not_found
from campaigns.api.views.account import BalanceView, LedgerViewSet
from campaigns.api.views.audit import AuditEventViewSet
from campaigns.api.views.campaigns import CampaignViewSet
from campaigns.api.views.contacts import ContactViewSet
from campaigns.api.views.events import EventDeliveryViewSet, EventSubscriptionViewSet
from campaigns.api.views.keywords import KeywordRuleViewSet
from campaigns.api.views.lists import ContactListViewSet
from campaigns.api.views.messages import InboundMessageViewSet, MessageViewSet
from campaigns.api.views.otp import OtpViewSet
from campaigns.api.views.routing import RateCardViewSet, RouteViewSet
from campaigns.api.views.senders import ConnectionViewSet, RecordingViewSet, SenderIDViewSet, TemplateViewSet
from campaigns.api.views.suppressions import SuppressionViewSet


class ObjectId:
    """An object id in a URL: 1-18 digits, so no lookup can overflow a database integer."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(ObjectId, "objectid")


class Router(DefaultRouter):
    include_root_view = False
    include_format_suffixes = False


# Canonical URLs have no trailing slash (/api/v1/contacts/12); others answer a JSON 404.
router = Router(use_regex_path=False, trailing_slash="")
router.register("contacts", ContactViewSet, basename="api-contact")
router.register("lists", ContactListViewSet, basename="api-list")
router.register("suppressions", SuppressionViewSet, basename="api-suppression")
router.register("keyword-rules", KeywordRuleViewSet, basename="api-keyword-rule")
router.register("sender-ids", SenderIDViewSet, basename="api-sender")
router.register("templates", TemplateViewSet, basename="api-template")
router.register("recordings", RecordingViewSet, basename="api-recording")
router.register("connections", ConnectionViewSet, basename="api-connection")
router.register("routes", RouteViewSet, basename="api-route")
router.register("rate-cards", RateCardViewSet, basename="api-rate-card")
router.register("campaigns", CampaignViewSet, basename="api-campaign")
router.register("messages", MessageViewSet, basename="api-message")
router.register("inbound-messages", InboundMessageViewSet, basename="api-inbound")
router.register("ledger", LedgerViewSet, basename="api-ledger")
router.register("otp", OtpViewSet, basename="api-otp")
router.register("event-subscriptions", EventSubscriptionViewSet, basename="api-subscription")
router.register("event-deliveries", EventDeliveryViewSet, basename="api-delivery")
router.register("audit-events", AuditEventViewSet, basename="api-audit")

v1 = [
    *router.urls,
    path("balance", BalanceView.as_view(), name="api-balance"),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    re_path(r"^[\s\S]*$", not_found),  # not ".*": a path with a newline (%0A) is an API 404 too
]
