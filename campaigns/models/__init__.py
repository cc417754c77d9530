from campaigns.models.ab_tests import ABTest, CampaignVariant
from campaigns.models.api import ApiKey, DeliveryAttempt, EventDelivery, EventSubscription, IdempotencyClaim
from campaigns.models.audit import AuditEvent
from campaigns.models.campaigns import Campaign, SendWave
from campaigns.models.consent import ConsentRecord, KeywordRule
from campaigns.models.contacts import Contact, ContactField, ContactList, ContactNumber, ImportJob, ListMembership, Suppression
from campaigns.models.conversations import Conversation, ConversationRead
from campaigns.models.engine import BatchPoll, EngineClock
from campaigns.models.ledger import LedgerEntry, Price
from campaigns.models.links import Click, ShortLink
from campaigns.models.media import MediaAsset
from campaigns.models.messages import InboundMessage, Message, OtpRequest, StatusCount, UssdSession
from campaigns.models.notifications import Notice, NoticeKind, Notification, NotificationPreference
from campaigns.models.routing import ConnectionHealth, RateCardEntry, Route, RouteAttempt, RouteConnection
from campaigns.models.segments import Segment
from campaigns.models.senders import SenderID, Template, VoiceRecording
from campaigns.models.subscriptions import Subscription
from campaigns.models.tenancy import Account, Membership, Role, Subaccount

__all__ = [
    "ABTest",
    "Account",
    "ApiKey",
    "AuditEvent",
    "BatchPoll",
    "Campaign",
    "CampaignVariant",
    "Click",
    "ConnectionHealth",
    "ConsentRecord",
    "Contact",
    "ContactField",
    "ContactList",
    "ContactNumber",
    "Conversation",
    "ConversationRead",
    "DeliveryAttempt",
    "EngineClock",
    "EventDelivery",
    "EventSubscription",
    "IdempotencyClaim",
    "ImportJob",
    "InboundMessage",
    "KeywordRule",
    "LedgerEntry",
    "ListMembership",
    "MediaAsset",
    "Membership",
    "Message",
    "Notice",
    "NoticeKind",
    "Notification",
    "NotificationPreference",
    "OtpRequest",
    "Price",
    "RateCardEntry",
    "Role",
    "Route",
    "RouteAttempt",
    "RouteConnection",
    "Segment",
    "SendWave",
    "SenderID",
    "ShortLink",
    "StatusCount",
    "Subaccount",
    "Subscription",
    "Suppression",
    "Template",
    "UssdSession",
    "VoiceRecording",
]
