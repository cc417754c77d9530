"""The interface every provider package implements.

Nothing outside ``providers/<slug>/`` knows a provider's parameter names, status words
or error codes: the rest of the portal speaks only the types in this module.
"""

from __future__ import annotations

import enum
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from providers.http import ProviderHTTP


class Channel(enum.StrEnum):
    SMS = "sms"
    VOICE = "voice"
    WHATSAPP = "whatsapp"
    USSD = "ussd"


class Capability(enum.StrEnum):
    """What a connection can do; the composer and the API offer only these."""

    SMS = "sms"
    SMS_FLASH = "sms.flash"
    SMS_UNICODE = "sms.unicode"
    VOICE_OTP = "voice.otp"
    VOICE_CALL = "voice.call"
    WHATSAPP_TEMPLATE = "whatsapp.template"
    WHATSAPP_TEXT = "whatsapp.text"
    WHATSAPP_MEDIA = "whatsapp.media"
    USSD = "ussd"
    OTP = "otp"  # the provider generates and verifies codes itself
    STATUS_QUERY = "status_query"  # lets us reconcile `unknown` messages
    CARRIER_LOOKUP = "carrier_lookup"
    BALANCE = "balance"
    TEMPLATE_SYNC = "template_sync"
    MEDIA_UPLOAD = "media_upload"
    SCHEDULE = "schedule"  # the provider can hold a message until a given time
    INBOUND = "inbound"  # MO messages reach us
    SUBSCRIPTION = "subscription"


class MessageStatus(enum.StrEnum):
    PENDING = "pending"
    QUEUED = "queued"
    SUBMITTED = "submitted"
    SENT = "sent"
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    EXPIRED = "expired"
    REJECTED = "rejected"
    FAILED = "failed"
    UNKNOWN = "unknown"
    # Ours alone, never a provider's word: the provider never received the message because
    # its campaign was cancelled first. A final state, not a failure.
    CANCELLED = "cancelled"


class ErrorClass(enum.StrEnum):
    RETRYABLE = "retryable"  # try again later, with backoff
    PERMANENT = "permanent"  # this message fails; the others go on
    ACCOUNT = "account"  # bad key, no balance...: pause the campaign, tell the admin
    AMBIGUOUS = "ambiguous"  # may have reached the provider: never resend blindly


class ErrorCode(enum.StrEnum):
    """Normalized error codes; the provider's own code is kept beside them as raw_code."""

    INVALID_NUMBER = "invalid_number"
    UNSUPPORTED_DESTINATION = "unsupported_destination"
    BLOCKED = "blocked"  # opted out, blacklisted, barred
    CONTENT_INVALID = "content_invalid"  # empty, too long, bad encoding
    SENDER_INVALID = "sender_invalid"  # unknown, disabled or unapproved sender / header
    AUTH_FAILED = "auth_failed"
    ACCOUNT_DISABLED = "account_disabled"
    INSUFFICIENT_BALANCE = "insufficient_balance"
    NOT_ALLOWED = "not_allowed"  # IP, traffic rule, unverified account
    RATE_LIMITED = "rate_limited"
    PROVIDER_ERROR = "provider_error"  # technical problem on their side
    TIMEOUT = "timeout"
    NETWORK = "network"  # could not connect
    BAD_REQUEST = "bad_request"  # our request was malformed (a bug on our side)
    MEDIA_INVALID = "media_invalid"  # voice file, WhatsApp media, template
    NOT_DELIVERED = "not_delivered"  # the handset or network did not take it
    EXPIRED = "expired"
    REJECTED = "rejected"
    NO_ANSWER = "no_answer"  # voice: busy, rejected, unanswered
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class SenderRule:
    """What a provider's document accepts as an SMS sender."""

    alphanumeric_min: int = 1
    alphanumeric_max: int = 11
    numeric_max: int = 18  # a sender of digits only (an optional leading +)

    def problem(self, value: str) -> str:
        """Why ``value`` is refused ("" when it is fine)."""
        digits = value[1:] if value.startswith("+") else value
        if digits.isdigit():
            if len(digits) > self.numeric_max:
                return f"a numeric sender has at most {self.numeric_max} digits"
            return ""
        if not value.isascii() or not all(ch.isalnum() or ch in " .-_&" for ch in value):
            return "an alphanumeric sender has only letters, digits, spaces and . - _ &"
        if not self.alphanumeric_min <= len(value) <= self.alphanumeric_max:
            if self.alphanumeric_min <= 1:
                return f"an alphanumeric sender has at most {self.alphanumeric_max} characters"
            return f"an alphanumeric sender has {self.alphanumeric_min} to {self.alphanumeric_max} characters"
        return ""


@dataclass(frozen=True)
class ProviderError:
    code: ErrorCode
    error_class: ErrorClass
    raw_code: str = ""
    message: str = ""
    retry_after: float | None = None  # seconds, when the provider said so (HTTP 429)
    # The refusal is about this connection's reach (an uncovered network or country), not
    # the message: another connection may carry it (routing fails it over).
    route_specific: bool = False


class ProviderException(Exception):
    """Raised by a backend call that is not a per-message send (balance, lookup...)."""

    def __init__(self, error: ProviderError) -> None:
        super().__init__(error.message or error.code)
        self.error = error


class MalformedWebhook(ValueError):
    """The webhook body cannot be understood: answer 400 and keep it."""


@dataclass(frozen=True)
class CredentialField:
    name: str  # the provider document's own name, e.g. "apikey", "applicationId"
    label: str
    secret: bool = True
    required: bool = True
    help_text: str = ""


@dataclass(frozen=True)
class SettingField:
    """A non-secret connection option (a customer-specific host, a subaccount...)."""

    name: str
    label: str
    kind: str = "str"  # str | int | bool | choice
    required: bool = False
    default: Any = None
    choices: tuple[tuple[str, str], ...] = ()
    help_text: str = ""


@dataclass(frozen=True)
class ConnectionConfig:
    """Everything a backend needs to talk to one account's connection."""

    id: int
    provider: str
    base_url: str
    credentials: dict[str, str]
    settings: dict[str, Any] = field(default_factory=dict)
    webhook_url: str = ""  # absolute URL of our intake for this connection
    mps: int = 0


@dataclass(frozen=True)
class OutboundMessage:
    """One message to send, already rendered. ``id`` is our Message primary key."""

    id: int
    to: str  # E.164 with the leading +
    channel: Channel
    sender: str = ""
    text: str = ""
    encoding: str = "gsm7"  # gsm7 | ucs2
    segments: int = 1
    flash: bool = False
    # voice: {"kind": "otp"|"call", "recording": "11384", "call_template": 2,
    #         "call_parameters": {"var1": ..}, "max_voice_repeat": 1, "max_call_attempts": 2}
    # whatsapp: {"type": "template"|"text"|"image"|"audio"|"video"|"document",
    #            "template_id": .., "variables": [..], "media_urls": [..],
    #            "media": {"id"|"link", "caption", "filename"}}
    # ussd: {"session_id": .., "op": "init"|"cont"|"fin"}
    payload: dict[str, Any] = field(default_factory=dict)
    send_at: datetime | None = None  # provider-side scheduling, when the connection allows it
    expires_at: datetime | None = None


@dataclass
class SendResult:
    """What became of one OutboundMessage. ``status`` is submitted, failed or unknown;
    a retryable error leaves it to the pipeline (status stays queued)."""

    message_id: int
    status: MessageStatus
    provider_message_id: str = ""
    error: ProviderError | None = None
    network: str = ""
    cost: Decimal | None = None  # what the provider says it charged, if it says
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def retryable(self) -> bool:
        return self.error is not None and self.error.error_class == ErrorClass.RETRYABLE


@dataclass(frozen=True)
class StatusUpdate:
    """A report about a message we sent. Found by provider id, else by our own id."""

    status: MessageStatus
    provider_message_id: str = ""
    message_id: int | None = None  # our id, where the provider echoes it (correlationId)
    error: ProviderError | None = None
    raw_status: str = ""
    occurred_at: datetime | None = None
    network: str = ""
    call_outcome: str = ""  # answered, busy, rejected, unanswered, failed...
    dtmf: str = ""
    duration_seconds: int | None = None
    to: str = ""


@dataclass(frozen=True)
class InboundItem:
    """An MO message, a USSD answer or DTMF typed by a recipient."""

    kind: str  # sms | ussd | dtmf
    from_number: str
    text: str = ""
    to: str = ""  # our short code / number
    provider_message_id: str = ""
    session_id: str = ""  # USSD session
    ussd_op: str = ""  # mo-init | mo-cont ...
    received_at: datetime | None = None
    raw: dict[str, Any] = field(default_factory=dict)
    # The message this one answers, where the provider says (Wavy's mt.id / mt.correlationId).
    reply_to_provider_id: str = ""
    reply_to_message_id: int | None = None


@dataclass(frozen=True)
class ProviderEvent:
    """Anything else a webhook tells: subscription changes, OTP charging..."""

    kind: str  # subscription | unsubscription | charging | ...
    phone: str = ""
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class WebhookRequest:
    method: str
    kind: str  # the optional trailing path segment, "" when absent
    content_type: str
    body: bytes
    query: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class WebhookResult:
    statuses: list[StatusUpdate] = field(default_factory=list)
    inbound: list[InboundItem] = field(default_factory=list)
    events: list[ProviderEvent] = field(default_factory=list)


@dataclass(frozen=True)
class WebhookAck:
    status: int = 200
    body: str = ""
    content_type: str = "text/plain"


@dataclass(frozen=True)
class ConnectionCheck:
    ok: bool
    message: str
    balance: Decimal | None = None
    currency: str = ""


@dataclass(frozen=True)
class CarrierInfo:
    number: str
    valid: bool
    carrier: str = ""
    country: str = ""
    error: str = ""


@dataclass(frozen=True)
class RemoteTemplate:
    provider_template_id: str
    name: str
    channel: Channel
    body: str = ""
    variables: list[str] = field(default_factory=list)
    language: str = ""
    status: str = ""
    category: str = ""
    media: bool = False


@dataclass(frozen=True)
class OtpResult:
    ok: bool
    reference: str = ""  # the provider's request/transaction id
    error: ProviderError | None = None
    message_id: str = ""


# Blocks until a slot of ``rate`` requests/s is free on ``key`` (shared by every worker).
Pacer = Callable[[str, float], None]


class ProviderBackend:
    """Base class of every provider. Subclasses set the class attributes and implement
    ``send_one`` (single-message APIs) or override ``send_batch`` (bulk APIs)."""

    slug: ClassVar[str]
    name: ClassVar[str]
    default_base_url: ClassVar[str]
    # What the document says the base URL is (shown on the connection form, and as the hint
    # when a test call under another base URL answers 404).
    base_url_help: ClassVar[str] = ""
    credential_fields: ClassVar[tuple[CredentialField, ...]] = ()
    setting_fields: ClassVar[tuple[SettingField, ...]] = ()
    capabilities: ClassVar[frozenset[Capability]] = frozenset()
    # Most messages one request may carry; 1 for single-message APIs.
    bulk_size: ClassVar[int] = 1
    # True when a bulk request carries one text for many destinations (comma lists),
    # so only messages with identical content/sender can share a request.
    bulk_same_content: ClassVar[bool] = False
    # Concurrent requests a batch may use for single-message APIs.
    concurrency: ClassVar[int] = 8
    # Keys whose values are replaced by "***" in the HTTP log (query, form, JSON, headers).
    redact_keys: ClassVar[frozenset[str]] = frozenset()
    # Notes shown in the UI about what this provider does not do, or does differently.
    notes: ClassVar[str] = ""
    # (kind, label) of webhooks the provider sends to separately configured URLs; each gets
    # /webhooks/<provider>/<token>/<kind>/ on the connection page (the bare URL takes all).
    webhook_kinds: ClassVar[tuple[tuple[str, str], ...]] = ()
    # False when the provider pushes no delivery reports: the engine polls query_status.
    delivery_reports: ClassVar[bool] = True
    # Requests per second the provider allows for an operation ("status_query", "inbound",
    # "carrier_lookup"...), per source IP: one limit shared by every connection of the
    # provider. The backend calls ``pace(operation)`` before each such request.
    rate_limits: ClassVar[dict[str, float]] = {}
    # Most (our id, provider id) pairs one query_status call should be given.
    status_query_size: ClassVar[int] = 100
    # Names of bool connection settings that switch on the periodic pulls of
    # fetch_inbound / fetch_status_list ("" when the provider has no such endpoint).
    inbound_poll_setting: ClassVar[str] = ""
    status_list_setting: ClassVar[str] = ""
    # Bool connection setting that hands messages with a future ``send_at`` to the provider
    # (Capability.SCHEDULE); the engine then sends a scheduled campaign ahead of time.
    schedule_setting: ClassVar[str] = ""
    # Earliest the provider takes a scheduled message (Wavy: more than 30 minutes ahead).
    schedule_min_ahead: ClassVar[float] = 0.0  # seconds
    # True when query_batch answers for a whole batch: the engine then polls statuses per
    # batch (backing off with age) instead of per message.
    batch_status_query: ClassVar[bool] = False
    # Longest text per channel the provider takes, in characters (absent: no documented limit).
    max_text_length: ClassVar[dict[str, int]] = {}
    # The SMS sender rule of the document; None when the provider sets no rule (or no sender).
    sms_sender_rule: ClassVar[SenderRule | None] = None
    # WhatsApp: how long after the contact's last message free text may be sent; outside it
    # only a template goes (None: the provider sends no WhatsApp free text).
    whatsapp_free_text_window: ClassVar[timedelta | None] = None

    def __init__(self, config: ConnectionConfig, http: ProviderHTTP, pacer: Pacer | None = None) -> None:
        self.config = config
        self.http = http
        self.pacer = pacer
        self._last_paced: dict[str, float] = {}

    def pace(self, operation: str) -> None:
        """Wait for a free slot of a rate-limited operation: through the shared limiter when
        the registry gave one, else spaced within this backend object."""
        rate = self.rate_limits.get(operation, 0.0)
        if rate <= 0:
            return
        if self.pacer is not None:
            self.pacer(f"{self.slug}:{operation}", rate)
            return
        import time

        gap = 1.0 / rate - (time.monotonic() - self._last_paced.get(operation, float("-inf")))
        if gap > 0:
            time.sleep(gap)
        self._last_paced[operation] = time.monotonic()

    @classmethod
    def billed_segments(cls, text: str, segments: int) -> int:
        """How many SMS parts the provider bills for ``text``; ``segments`` is the GSM
        03.38 / UCS-2 count, which is what most providers bill."""
        return segments

    # --- sending -----------------------------------------------------------
    def send_batch(self, messages: Sequence[OutboundMessage]) -> list[SendResult]:
        """Send every message; one result per message, in any order."""
        if len(messages) <= 1 or self.concurrency <= 1:
            return [self.send_one(m) for m in messages]
        return map_concurrently(self.send_one, messages, self.concurrency)

    def send_one(self, message: OutboundMessage) -> SendResult:
        raise NotImplementedError

    def send_checked(self, messages: Sequence[OutboundMessage]) -> list[SendResult]:
        """What the engine calls: messages breaking the declared limits fail here, without a
        request (never left pending); the rest go through ``send_batch``."""
        results: list[SendResult] = []
        passing: list[OutboundMessage] = []
        for message in messages:
            refused = self.limit_failure(message)
            if refused is None:
                passing.append(message)
            else:
                results.append(refused)
        return results + (self.send_batch(passing) if passing else [])

    def query_status(self, messages: Sequence[tuple[int, str]]) -> list[StatusUpdate]:
        """Current status of (our id, provider id) pairs; used to reconcile `unknown`."""
        raise NotImplementedError

    def fetch_status_list(self) -> list[StatusUpdate]:
        """Statuses the provider has not handed out before (a consuming list); polled where
        the connection's ``status_list_setting`` is on, as a fallback to callbacks."""
        raise NotImplementedError

    def fetch_inbound(self, since: datetime | None = None, until: datetime | None = None) -> list[InboundItem]:
        """MOs: those not fetched before, or those received in [since, until]; polled where
        the connection's ``inbound_poll_setting`` is on, deduplicated with pushed ones."""
        raise NotImplementedError

    def query_batch(self, batch_id: str) -> list[StatusUpdate]:
        """Current status of every message of one provider batch (``SendResult.extra["batch_id"]``),
        in one request; backends that can set ``batch_status_query``."""
        raise NotImplementedError

    # --- webhooks ----------------------------------------------------------
    def parse_webhook(self, request: WebhookRequest) -> WebhookResult:
        raise NotImplementedError

    def webhook_ack(self, request: WebhookRequest, result: WebhookResult | None) -> WebhookAck:
        """What the provider expects back; ``result`` is None when the body was malformed."""
        if result is None:
            return WebhookAck(status=400, body="malformed")
        return WebhookAck(status=200, body="OK")

    # --- account-level calls (optional by capability) ----------------------
    def test_connection(self) -> ConnectionCheck:
        return ConnectionCheck(ok=True, message="No harmless endpoint to call; not checked.")

    def carrier_lookup(self, numbers: Sequence[str]) -> list[CarrierInfo]:
        raise NotImplementedError

    def sync_templates(self) -> list[RemoteTemplate]:
        raise NotImplementedError

    def set_subscription(self, phone: str, subscribed: bool) -> ProviderEvent:
        """Register (True) or unregister (False) a number with the provider's subscription
        service (Capability.SUBSCRIPTION); the event says the state the provider reports."""
        raise NotImplementedError

    def upload_media(self, url: str, mime_type: str) -> str:
        """Register media with the provider; returns its media id."""
        raise NotImplementedError

    def otp_generate(self, to: str, **options: Any) -> OtpResult:
        raise NotImplementedError

    def otp_verify(self, reference: str, code: str) -> OtpResult:
        raise NotImplementedError

    # --- limits (checked by the composer, the API and sender approval) -------
    @classmethod
    def text_problem(cls, channel: str, text: str, encoding: str = "gsm7") -> str:
        """Why the provider would refuse this text on ``channel`` ("" when it takes it)."""
        limit = cls.max_text_length.get(str(channel))
        if limit and len(text) > limit:
            return f"{cls.name} takes at most {limit} characters per message; this text has {len(text)}"
        if str(channel) == Channel.SMS and encoding == "ucs2" and not cls.supports(Capability.SMS_UNICODE):
            return f"{cls.name} cannot send Unicode text (characters outside the GSM alphabet)"
        return ""

    @classmethod
    def sender_problem(cls, channel: str, sender: str) -> str:
        """Why the provider would refuse this sender on ``channel`` ("" when it takes it)."""
        if str(channel) != Channel.SMS or not sender or cls.sms_sender_rule is None:
            return ""
        problem = cls.sms_sender_rule.problem(sender)
        return f"{cls.name}: {problem} ({sender!r})" if problem else ""

    @classmethod
    def limit_failure(cls, message: OutboundMessage) -> SendResult | None:
        """A failed result for a message that breaks the declared limits, before any request."""
        text = cls.text_problem(message.channel, message.text, message.encoding)
        if text:
            return SendResult(
                message.id, MessageStatus.FAILED, error=ProviderError(ErrorCode.CONTENT_INVALID, ErrorClass.PERMANENT, message=text)
            )
        sender = cls.sender_problem(message.channel, message.sender)
        if sender:
            return SendResult(
                message.id, MessageStatus.FAILED, error=ProviderError(ErrorCode.SENDER_INVALID, ErrorClass.PERMANENT, message=sender)
            )
        return None

    # --- helpers -----------------------------------------------------------
    @classmethod
    def supports(cls, capability: Capability) -> bool:
        return capability in cls.capabilities

    @classmethod
    def channels(cls) -> list[Channel]:
        found = {Channel(c.value.split(".")[0]) for c in cls.capabilities if c.value.split(".")[0] in Channel._value2member_map_}
        return [c for c in Channel if c in found]

    def url(self, path: str) -> str:
        return self.config.base_url.rstrip("/") + "/" + path.lstrip("/")


class ChunkedBulkBackend(ProviderBackend):
    """A bulk API whose batch goes out as several requests: subclasses say how messages
    group into requests (``_chunks``) and send one request (``_send_chunk``)."""

    def send_batch(self, messages: Sequence[OutboundMessage]) -> list[SendResult]:
        return [result for chunk in self._chunks(messages) for result in self._send_chunk(chunk)]

    def send_one(self, message: OutboundMessage) -> SendResult:
        return self._send_chunk([message])[0]

    def _chunks(self, messages: Sequence[OutboundMessage]) -> Iterable[list[OutboundMessage]]:
        raise NotImplementedError

    def _send_chunk(self, chunk: list[OutboundMessage]) -> list[SendResult]:
        raise NotImplementedError


def transport_error(exc: Exception, *, sent: bool) -> ProviderError:
    """Class an httpx failure: a timeout after the request went out is ambiguous."""
    import httpx

    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return ProviderError(ErrorCode.NETWORK, ErrorClass.RETRYABLE, message=str(exc) or "connection failed")
    if isinstance(exc, httpx.TimeoutException):
        cls = ErrorClass.AMBIGUOUS if sent else ErrorClass.RETRYABLE
        return ProviderError(ErrorCode.TIMEOUT, cls, message="the provider did not answer in time")
    cls = ErrorClass.AMBIGUOUS if sent else ErrorClass.RETRYABLE
    return ProviderError(ErrorCode.NETWORK, cls, message=str(exc) or exc.__class__.__name__)


def http_status_error(status: int, body: str = "", retry_after: float | None = None) -> ProviderError | None:
    """Generic classing of HTTP statuses a provider answers before its own error words."""
    if status in (401, 403):
        return ProviderError(ErrorCode.AUTH_FAILED, ErrorClass.ACCOUNT, raw_code=str(status), message=body[:200] or "authentication failed")
    if status == 429:
        return ProviderError(ErrorCode.RATE_LIMITED, ErrorClass.RETRYABLE, raw_code="429", message="rate limited", retry_after=retry_after)
    if status >= 500:
        return ProviderError(ErrorCode.PROVIDER_ERROR, ErrorClass.RETRYABLE, raw_code=str(status), message=body[:200] or f"HTTP {status}")
    return None


Factory = Callable[[ConnectionConfig], ProviderBackend]


# --- concurrent requests ---------------------------------------------------------------

_pools: dict[int, ThreadPoolExecutor] = {}  # by width; emptied in a forked child (its threads are gone)
_pools_guard = threading.Lock()


def map_concurrently(fn: Callable[[Any], Any], items: Sequence[Any], width: int) -> list[Any]:
    """``[fn(item) for item in items]``, up to ``width`` at a time, in order. The threads
    are kept for the process's life: a pool made and joined per call cost about 3 ms per
    chunk of a single-message provider, one chunk every 32 messages."""
    if len(items) <= 1 or width <= 1:
        return [fn(item) for item in items]
    return list(_shared_pool(width).map(fn, items))


def _shared_pool(width: int) -> ThreadPoolExecutor:
    pool = _pools.get(width)
    if pool is None:
        with _pools_guard:
            pool = _pools.get(width)
            if pool is None:
                pool = _pools[width] = ThreadPoolExecutor(max_workers=width, thread_name_prefix=f"provider-{width}")
    return pool


def _forget_pools_in_child() -> None:
    global _pools_guard
    _pools_guard = threading.Lock()
    _pools.clear()


os.register_at_fork(after_in_child=_forget_pools_in_child)
