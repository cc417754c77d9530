"""VT CPaaS (Veevo Tech): SMS, voice OTP, voice calls and WhatsApp.

Every send is one request (single-message APIs); the base class runs them concurrently.
WhatsApp lives on its own host (wa-api.veevotech.com), set per connection."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from providers.base import (
    Capability,
    Channel,
    ConnectionCheck,
    CredentialField,
    ErrorClass,
    ErrorCode,
    MessageStatus,
    OutboundMessage,
    ProviderBackend,
    ProviderError,
    ProviderException,
    RemoteTemplate,
    SendResult,
    SettingField,
    WebhookRequest,
    WebhookResult,
    transport_error,
)
from providers.vt import payloads, webhook
from providers.vt.replies import Reply, charged, first_text, nested_id, read_reply
from providers.vt.templates import remote_templates

DEFAULT_BASE_URL = "https://api.veevotech.com"
DEFAULT_WHATSAPP_BASE_URL = "https://wa-api.veevotech.com"
SEND_SMS = "/v3/sendsms"
SEND_CALL = "/v3/sendcall"
WA_SEND = "/wa/v1/send_message"
WA_MEDIA = "/wa/media"
WA_SYNC = "/wa/sync"


class VTBackend(ProviderBackend):
    slug = "vt"
    name = "VT CPaaS (Veevo Tech)"
    default_base_url = DEFAULT_BASE_URL
    credential_fields = (
        CredentialField("apikey", "API key", help_text="The up to 45 characters long API key (also called hash) from VT OneID."),
    )
    setting_fields = (
        SettingField(
            "whatsapp_base_url",
            "WhatsApp API base URL",
            # Empty rather than VT's host: a form pre-filled with wa-api.veevotech.com would send
            # the WhatsApp of a connection pointed at a simulator or proxy to the real VT.
            default="",
            help_text="VT serves WhatsApp from its own host. Empty means https://wa-api.veevotech.com when the "
            "base URL is VT's own, else the base URL itself (a simulator or proxy serving both).",
        ),
    )
    capabilities = frozenset(
        {
            Capability.SMS,
            Capability.SMS_UNICODE,
            Capability.VOICE_OTP,
            Capability.VOICE_CALL,
            Capability.WHATSAPP_TEMPLATE,
            Capability.WHATSAPP_TEXT,
            Capability.WHATSAPP_MEDIA,
            Capability.MEDIA_UPLOAD,
            Capability.TEMPLATE_SYNC,
        }
    )
    concurrency = 8
    base_url_help = "https://api.veevotech.com (the document's host; /v3/sendsms, /v3/sendcall and /wa/v1/... are added to it)."
    max_text_length = {"sms": 800}  # CONTENT_TOO_LONG: "the maximum supported length is 800 characters"
    redact_keys = frozenset({"apikey", "hash"})
    # The document's WhatsApp section names no customer-care window; WhatsApp Business's own rule
    # is free text within 24 hours of the user's last message, templates otherwise.
    whatsapp_free_text_window = timedelta(hours=24)
    notes = (
        "VT has no flash SMS, no USSD, no status query (reports arrive only through the webhook) "
        "and no balance endpoint, so the balance cannot be shown and 'test connection' can only "
        "check the key through WhatsApp template sync. Voice OTP is billed only when answered."
    )

    # --- sending -----------------------------------------------------------
    def send_one(self, message: OutboundMessage) -> SendResult:
        try:
            url, body, id_keys = self.request_for(message)
        except payloads.InvalidMessage as exc:
            return failed(message, ProviderError(exc.code, ErrorClass.PERMANENT, message=str(exc)))
        try:
            response = self.http.post(url, json=body)
        except httpx.HTTPError as exc:
            return failed(message, transport_error(exc, sent=True))
        return self.result_from(message, read_reply(response), id_keys)

    def request_for(self, message: OutboundMessage) -> tuple[str, dict[str, Any], tuple[str, ...]]:
        """(URL, JSON body, reply keys holding the provider's id) for one message."""
        apikey = self.apikey()
        if message.channel == Channel.WHATSAPP:
            return self.whatsapp_url(WA_SEND), payloads.whatsapp_body(apikey, message), ("MESSAGE_ID", "ID", "MESSAGEID")
        if message.channel == Channel.VOICE and not payloads.is_voice_otp(message):
            return self.url(SEND_CALL), payloads.call_body(apikey, message), ("CALL_ID", "MESSAGE_ID")
        if message.channel in (Channel.SMS, Channel.VOICE):
            return self.url(SEND_SMS), payloads.sms_body(apikey, message), ("MESSAGE_ID",)
        raise payloads.InvalidMessage(f"VT does not offer the {message.channel} channel.")

    def result_from(self, message: OutboundMessage, reply: Reply, id_keys: tuple[str, ...]) -> SendResult:
        if reply.error is not None:
            return failed(message, reply.error)
        extra = {key.lower(): reply.data[key] for key in ("COUNTRY_ISO", "COUNTRY_CODE") if reply.data.get(key) not in (None, "")}
        return SendResult(
            message.id,
            MessageStatus.SUBMITTED,
            provider_message_id=reply.text(*id_keys) or nested_id(reply.data),
            network=reply.text("NETWORK_NAME"),
            cost=charged(reply.data),
            extra=extra,
        )

    # --- webhooks ----------------------------------------------------------
    def parse_webhook(self, request: WebhookRequest) -> WebhookResult:
        return webhook.parse(request)

    # --- account-level calls -----------------------------------------------
    def test_connection(self) -> ConnectionCheck:
        """VT has no balance or key-check endpoint; template sync is the one harmless call."""
        try:
            response = self.http.get(self.whatsapp_url(WA_SYNC), params={"hash": self.apikey()})
        except httpx.HTTPError as exc:
            return ConnectionCheck(ok=False, message=f"Could not reach VT: {transport_error(exc, sent=False).message}")
        reply = read_reply(response)
        if answered(response, reply):
            return ConnectionCheck(ok=True, message="VT accepted the key (WhatsApp template sync answered). VT has no balance endpoint.")
        if reply.error.error_class == ErrorClass.ACCOUNT:
            return ConnectionCheck(ok=False, message=f"VT refused the connection: {reply.error.message}")
        if reply.error.error_class == ErrorClass.RETRYABLE:
            return ConnectionCheck(ok=False, message=f"VT could not answer now: {reply.error.message}")
        if not is_json(response):
            return ConnectionCheck(ok=False, message=f"The answer (HTTP {response.status_code}) is not VT's JSON: check the base URLs.")
        return ConnectionCheck(
            ok=True, message=f"Not checkable: VT has no balance endpoint and template sync answered {reply.error.message!r}."
        )

    def sync_templates(self) -> list[RemoteTemplate]:
        data = self.account_call("GET", self.whatsapp_url(WA_SYNC), params={"hash": self.apikey()})
        return remote_templates(data)

    def upload_media(self, url: str, mime_type: str) -> str:
        data = self.account_call("POST", self.whatsapp_url(WA_MEDIA), json={"hash": self.apikey(), "url": url, "mimeType": mime_type})
        fields = {str(k).upper(): v for k, v in data.items()} if isinstance(data, dict) else {}
        media_id = first_text(fields, "MEDIA_ID", "ID", "MEDIAID") or nested_id(fields)
        if not media_id:
            raise ProviderException(ProviderError(ErrorCode.PROVIDER_ERROR, ErrorClass.RETRYABLE, message="VT's media reply held no id"))
        return media_id

    def account_call(self, method: str, url: str, **kwargs: Any) -> Any:
        """The decoded JSON of a non-send call; ProviderException on any failure."""
        try:
            response = self.http.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            raise ProviderException(transport_error(exc, sent=False))
        reply = read_reply(response)
        if not answered(response, reply):
            raise ProviderException(reply.error)
        return response.json()

    # --- helpers -----------------------------------------------------------
    def apikey(self) -> str:
        return self.config.credentials.get("apikey", "").strip()

    def whatsapp_url(self, path: str) -> str:
        base = str(self.config.settings.get("whatsapp_base_url") or "").strip()
        if not base:
            own_host = self.config.base_url.rstrip("/") in ("", DEFAULT_BASE_URL, DEFAULT_BASE_URL.replace("https:", "http:"))
            base = DEFAULT_WHATSAPP_BASE_URL if own_host else self.config.base_url
        return base.rstrip("/") + path


def answered(response: httpx.Response, reply: Reply) -> bool:
    """A non-send call succeeded: STATUS SUCCESSFUL, or a 2xx JSON reply without the
    STATUS/ERROR_FILTER envelope (sync and media replies are not printed in the document)."""
    if reply.ok:
        return True
    return response.is_success and reply.error.error_class == ErrorClass.AMBIGUOUS and is_json(response)


def is_json(response: httpx.Response) -> bool:
    try:
        response.json()
    except ValueError:
        return False
    return True


def failed(message: OutboundMessage, error: ProviderError) -> SendResult:
    """Ambiguous -> unknown (never resent); retryable -> stays queued; else failed."""
    status = {
        ErrorClass.AMBIGUOUS: MessageStatus.UNKNOWN,
        ErrorClass.RETRYABLE: MessageStatus.QUEUED,
    }.get(error.error_class, MessageStatus.FAILED)
    return SendResult(message.id, status, error=error)
