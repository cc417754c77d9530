"""V-Appstore / TAP (Vodafone Fiji): SMS to many destinations, USSD sessions, CaaS OTP
charging and subscriptions. Paths and fields follow the V-Appstore API document 2.0.

SMS
    ``sms/send`` carries ONE text for many ``destinationAddresses`` ("tel:6792870940"), so
    ``send_batch`` groups messages with the same text, sender and type into one request
    (``bulk_size`` each) and maps ``destinationResponses`` back to every message. Our
    provider message id is ``"<requestId>:<number>"`` (see webhooks.provider_message_id),
    which the sms/report webhook rebuilds from its requestId and destinationAddress.
    ``flash=True`` sends encoding 240; ``payload={"binary": True, "binary_header": "<hex>"}``
    sends encoding 245 with the text as hex (non-hex text is hex-encoded from UTF-8).

USSD menu campaigns
    One menu step is ``OutboundMessage(channel=USSD, text=<menu text>,
    payload={"session_id": ..., "op": "init" | "cont" | "fin"})`` -> ``ussd/send`` with
    ussdOperation mt-init / mt-cont / mt-fin. For "init" without a session_id the session
    is our message id; the id used is returned in ``SendResult.extra["session_id"]``.
    The subscriber's answer arrives as a ussd/receive webhook -> ``InboundItem(kind="ussd",
    session_id=..., ussd_op="mo-cont", text=<the digit typed>)``; the engine records it
    and sends the next step with op "cont" (same session_id), or "fin" for the last screen.
    A subscriber dialling the service code starts with ussd_op "mo-init".

OTP
    CaaS ``otpGeneration`` asks the platform to text an OTP that authorises a one-time
    charge of ``amount`` FJD to the subscriber (options ``amount``, ``external_trx_id``,
    ``payment_instrument``, ``currency``; defaults from the connection settings). The
    returned reference is ``"<requestCorrelator>:<number>"`` because ``otpVerify`` needs
    both; the charge's outcome comes later as a ``charging`` ProviderEvent.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import partial
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
    OtpResult,
    OutboundMessage,
    ProviderBackend,
    ProviderError,
    ProviderEvent,
    ProviderException,
    SendResult,
    SettingField,
    WebhookAck,
    WebhookRequest,
    WebhookResult,
    http_status_error,
    map_concurrently,
    transport_error,
)
from providers.vappstore import webhooks
from providers.vappstore.codes import error_for, is_success, subscription_event_kind
from providers.vappstore.fields import DEFAULT_TIMEZONE, address_key, pick, to_tel

VERSION = "1.0"
TEXT, FLASH, BINARY = "0", "240", "245"
USSD_ENCODING = "440"
USSD_OPS = {"init": "mt-init", "cont": "mt-cont", "fin": "mt-fin"}
JSON_TYPE = "application/json;charset=utf-8"
DEFAULT_OTP_AMOUNT = "1.00"
ALREADY_IN_STATE = {"1": "E1351", "0": "E1356"}  # subscribe twice / unsubscribe a stranger


@dataclass
class Reply:
    """A decoded answer: its JSON object and, when it is a failure, the error."""

    data: dict[str, Any] = field(default_factory=dict)
    error: ProviderError | None = None

    @property
    def code(self) -> str:
        return pick(self.data, "statusCode")


def status_for(error: ProviderError) -> MessageStatus:
    """Retryable stays queued for the pipeline, ambiguous becomes unknown, the rest failed."""
    if error.error_class == ErrorClass.RETRYABLE:
        return MessageStatus.QUEUED
    if error.error_class == ErrorClass.AMBIGUOUS:
        return MessageStatus.UNKNOWN
    return MessageStatus.FAILED


def failed(message: OutboundMessage, error: ProviderError, **extra: Any) -> SendResult:
    return SendResult(message.id, status_for(error), error=error, extra=extra)


class VAppstoreBackend(ProviderBackend):
    slug = "vappstore"
    name = "V-Appstore (TAP)"
    default_base_url = ""  # the document names no host: use the one your TAP account gives
    credential_fields = (
        CredentialField("applicationId", "Application ID", secret=False, help_text="e.g. APP_999999, from V-Appstore provisioning."),
        CredentialField("password", "Password", help_text="The application's password / API key."),
    )
    setting_fields = (
        SettingField(
            "otp_amount",
            "OTP charge amount (FJD)",
            default=DEFAULT_OTP_AMOUNT,
            help_text="What each CaaS OTP charges the subscriber; empty disables OTP.",
        ),
        SettingField("otp_payment_instrument", "OTP payment instrument", default="Mobile Account"),
        SettingField("timezone", "Timezone of the platform's timestamps", default=DEFAULT_TIMEZONE),
    )
    capabilities = frozenset(
        {Capability.SMS, Capability.SMS_FLASH, Capability.USSD, Capability.OTP, Capability.INBOUND, Capability.SUBSCRIPTION}
    )
    bulk_size = 500  # not documented; keeps a request around 10 kB
    bulk_same_content = True
    concurrency = 8
    base_url_help = "The host of your TAP account (the document names none); sms/send, caas/... are added to it."
    redact_keys = frozenset({"password"})
    webhook_kinds = (
        ("report", "SMS delivery reports (sms/report)"),
        ("receive", "SMS received (sms/receive)"),
        ("ussd", "USSD received (ussd/receive)"),
        ("charging", "CaaS charging notifications"),
        ("subscription", "Subscription notifications"),
    )
    notes = (
        "No status query and no balance endpoint: a send that timed out stays unknown. "
        "Unicode is not documented (encoding 0 is plain text). CaaS OTP charges the subscriber "
        "the configured amount in FJD. USSD runs as sessions (menu steps)."
    )

    # --- sending -----------------------------------------------------------
    def send_batch(self, messages: Sequence[OutboundMessage]) -> list[SendResult]:
        sms = [m for m in messages if m.channel == Channel.SMS]
        jobs = [partial(self._send_sms_request, chunk) for chunk in sms_requests(sms, self.bulk_size)]
        jobs += [partial(self._send_ussd_step, m) for m in messages if m.channel == Channel.USSD]
        refused = [failed(m, self._unsupported(m.channel)) for m in messages if m.channel not in (Channel.SMS, Channel.USSD)]
        return refused + [result for results in self._run(jobs) for result in results]

    def _run(self, jobs: list[Callable[[], list[SendResult]]]) -> list[list[SendResult]]:
        """Each job is one request; independent requests go out concurrently."""
        return map_concurrently(lambda job: job(), jobs, self.concurrency)

    def send_one(self, message: OutboundMessage) -> SendResult:
        if message.channel == Channel.USSD:
            return self._send_ussd(message)
        if message.channel == Channel.SMS:
            return self._send_sms_request([message])[0]
        return failed(message, self._unsupported(message.channel))

    @staticmethod
    def _unsupported(channel: Channel) -> ProviderError:
        return ProviderError(ErrorCode.NOT_ALLOWED, ErrorClass.PERMANENT, message=f"V-Appstore does not carry {channel} messages")

    def _send_sms_request(self, chunk: list[OutboundMessage]) -> list[SendResult]:
        try:
            body = self.sms_body(chunk)
        except ValueError as exc:
            error = ProviderError(ErrorCode.CONTENT_INVALID, ErrorClass.PERMANENT, message=str(exc))
            return [failed(m, error) for m in chunk]
        reply = self._post("sms/send", body)
        if reply.error is not None and not _destination_responses(reply.data):
            if len(chunk) > 1 and refused_for_one_number(reply.error):
                # The whole request was refused over some number, nothing went out:
                # send each alone so only the guilty message fails.
                return [result for m in chunk for result in self._send_sms_request([m])]
            return [failed(m, reply.error) for m in chunk]
        return self._sms_results(chunk, reply)

    def sms_body(self, chunk: Sequence[OutboundMessage]) -> dict[str, Any]:
        """The sms/send request for messages sharing one text, sender and type."""
        first = chunk[0]
        encoding, message = sms_encoding_and_text(first)
        body: dict[str, Any] = {
            "version": VERSION,
            **self._auth(),
            "message": message,
            "destinationAddresses": [to_tel(m.to) for m in chunk],
            "deliveryStatusRequest": "1",
            "encoding": encoding,
        }
        if first.sender:
            body["sourceAddress"] = first.sender
        header = str(first.payload.get("binary_header") or "")
        if encoding == BINARY and header:
            body["binaryHeader"] = header
        return body

    def _sms_results(self, chunk: list[OutboundMessage], reply: Reply) -> list[SendResult]:
        dests = _destination_responses(reply.data)
        per_address = {address_key(pick(d, "address", "destinationAddress")): d for d in dests}
        # Without addresses in the answer, the list is read in the order we sent.
        by_position = dests if len(dests) == len(chunk) and not any(per_address) else []
        request_id = pick(reply.data, "requestId")
        results = []
        for index, message in enumerate(chunk):
            dest = per_address.get(address_key(message.to)) or (by_position[index] if by_position else None)
            results.append(self._destination_result(message, reply, dest or {}, request_id))
        return results

    def _destination_result(self, message: OutboundMessage, reply: Reply, dest: dict[str, Any], request_id: str) -> SendResult:
        code = pick(dest, "statusCode") or reply.code
        detail = pick(dest, "statusDetail") if pick(dest, "statusCode") else pick(reply.data, "statusDetail")
        rid = pick(dest, "requestId", "messageId") or request_id
        extra = {"request_id": rid, "status_code": code}
        if not code:
            return failed(message, reply.error or error_for("", "reply without statusCode"), **extra)
        if not is_success(code):
            return failed(message, error_for(code, detail), **extra)
        return SendResult(
            message.id, MessageStatus.SUBMITTED, provider_message_id=webhooks.provider_message_id(rid, message.to), extra=extra
        )

    def _send_ussd_step(self, message: OutboundMessage) -> list[SendResult]:
        return [self._send_ussd(message)]

    def _send_ussd(self, message: OutboundMessage) -> SendResult:
        op = USSD_OPS.get(str(message.payload.get("op") or "init").lower().removeprefix("mt-"))
        session = str(message.payload.get("session_id") or "")
        if op is None:
            return failed(message, ProviderError(ErrorCode.BAD_REQUEST, ErrorClass.PERMANENT, message="USSD op must be init, cont or fin"))
        if not session and op != "mt-init":
            return failed(
                message, ProviderError(ErrorCode.BAD_REQUEST, ErrorClass.PERMANENT, message="a USSD cont/fin step needs the session_id")
            )
        session = session or str(message.id)
        body = {
            "version": VERSION,
            **self._auth(),
            "message": message.text,
            "sessionId": session,
            "ussdOperation": op,
            "destinationAddress": to_tel(message.to),
            "encoding": USSD_ENCODING,
        }
        reply = self._post("ussd/send", body)
        extra = {"session_id": session, "ussd_op": op, "status_code": reply.code}
        if reply.error is not None:
            return failed(message, reply.error, **extra)
        request_id = pick(reply.data, "requestId") or session
        return SendResult(
            message.id, MessageStatus.SUBMITTED, provider_message_id=webhooks.provider_message_id(request_id, message.to), extra=extra
        )

    # --- webhooks ----------------------------------------------------------
    def parse_webhook(self, request: WebhookRequest) -> WebhookResult:
        return webhooks.parse(request, self.config.settings.get("timezone") or DEFAULT_TIMEZONE)

    def webhook_ack(self, request: WebhookRequest, result: WebhookResult | None) -> WebhookAck:
        if result is None:
            return WebhookAck(400, json.dumps({"statusCode": "E1312", "statusDetail": "Invalid request"}), "application/json")
        return WebhookAck(200, json.dumps({"statusCode": "S1000", "statusDetail": "Success"}), "application/json")

    # --- account-level calls -----------------------------------------------
    def test_connection(self) -> ConnectionCheck:
        missing = [f.name for f in self.credential_fields if not self.config.credentials.get(f.name)]
        if missing:
            return ConnectionCheck(ok=False, message=f"Missing credentials: {', '.join(missing)}.")
        return ConnectionCheck(
            ok=True, message="V-Appstore has no harmless endpoint (no balance or status call): credentials are checked on the first send."
        )

    def otp_generate(self, to: str, **options: Any) -> OtpResult:
        amount = _amount(options.get("amount") or self._setting("otp_amount", DEFAULT_OTP_AMOUNT))
        if amount is None:
            error = ProviderError(
                ErrorCode.BAD_REQUEST, ErrorClass.PERMANENT, message="V-Appstore OTP charges the subscriber: set an amount."
            )
            return OtpResult(ok=False, error=error)
        body = {
            **self._auth(),
            "externalTrxId": str(options.get("external_trx_id") or str(uuid.uuid4().int)[:15]),
            "amount": amount,
            "paymentInstrumentName": str(
                options.get("payment_instrument") or self.config.settings.get("otp_payment_instrument") or "Mobile Account"
            ),
            "subscriberId": to_tel(to),
            "Currency": str(options.get("currency") or "FJD"),
        }
        reply = self._post("caas/otpGeneration", body)
        if reply.error is not None:
            return OtpResult(ok=False, error=reply.error)
        correlator = pick(reply.data, "requestCorrelator", "referenceNo")
        if not correlator:  # nothing to verify against later
            return OtpResult(
                ok=False, error=ProviderError(ErrorCode.PROVIDER_ERROR, ErrorClass.PERMANENT, message="no requestCorrelator in the reply")
            )
        return OtpResult(ok=True, reference=f"{correlator}:{address_key(to)}", message_id=pick(reply.data, "internalTrxId"))

    def otp_verify(self, reference: str, code: str, to: str = "") -> OtpResult:
        correlator, _, number = reference.rpartition(":") if ":" in reference else (reference, "", "")
        body = {**self._auth(), "referenceNo": correlator, "otp": str(code).strip()}
        if to or number:
            body["sourceAddress"] = to_tel(to or number)
        reply = self._post("caas/otpVerify", body)
        if reply.error is not None:
            return OtpResult(ok=False, reference=reference, error=reply.error)
        return OtpResult(ok=True, reference=reference, message_id=pick(reply.data, "internalTrxId"))

    def set_subscription(self, phone: str, subscribed: bool) -> ProviderEvent:
        """subscription/userSubscription: register (True) or unregister (False) a number.
        Asking for the state a number is already in is not an error."""
        action = "1" if subscribed else "0"
        reply = self._post("subscription/userSubscription", {**self._auth(), "subscriberId": to_tel(phone), "action": action})
        if reply.error is not None and reply.code != ALREADY_IN_STATE[action]:
            raise ProviderException(reply.error)
        word = pick(reply.data, "subscriptionStatus") or ("REGISTERED" if subscribed else "UNREGISTERED")
        kind = subscription_event_kind(word)
        data = {"status": word.rstrip("."), "status_code": reply.code, "status_detail": pick(reply.data, "statusDetail")}
        return ProviderEvent(kind=kind, phone=phone, data=data)

    def _setting(self, name: str, default: Any) -> Any:
        """A connection setting; one never set (None) takes its default, "" stays empty."""
        value = self.config.settings.get(name)
        return default if value is None else value

    # --- HTTP --------------------------------------------------------------
    def _auth(self) -> dict[str, str]:
        creds = self.config.credentials
        return {"applicationId": creds.get("applicationId", ""), "password": creds.get("password", "")}

    def _post(self, path: str, body: dict[str, Any]) -> Reply:
        content = json.dumps(body, ensure_ascii=False).encode()
        try:
            response = self.http.post(self.url(path), content=content, headers={"Content-Type": JSON_TYPE, "Accept": "application/json"})
        except httpx.HTTPError as exc:
            return Reply(error=transport_error(exc, sent=True))
        return decode_reply(response)


def decode_reply(response: httpx.Response) -> Reply:
    """The JSON answer and its error: statusCode first, then the HTTP status."""
    data = _json_object(response)
    code = pick(data, "statusCode")
    if response.status_code == 429:
        return Reply(data, http_status_error(429, response.text, _retry_after(response)))
    if code:
        return Reply(data, None if is_success(code) else error_for(code, pick(data, "statusDetail")))
    http_error = http_status_error(response.status_code, response.text)
    if http_error is not None:
        return Reply(data, http_error)
    if response.status_code >= 400:
        return Reply(
            data,
            ProviderError(ErrorCode.BAD_REQUEST, ErrorClass.PERMANENT, raw_code=str(response.status_code), message=response.text[:200]),
        )
    # A 2xx without a statusCode: it may have been processed, so never resend it blindly.
    message = "V-Appstore answered without a statusCode"
    return Reply(data, ProviderError(ErrorCode.PROVIDER_ERROR, ErrorClass.AMBIGUOUS, message=message))


PER_NUMBER_ERRORS = frozenset({ErrorCode.INVALID_NUMBER, ErrorCode.BLOCKED, ErrorCode.UNSUPPORTED_DESTINATION})


def refused_for_one_number(error: ProviderError) -> bool:
    """A permanent refusal that is about a destination, not the request or the account."""
    return error.error_class == ErrorClass.PERMANENT and error.code in PER_NUMBER_ERRORS


def sms_requests(messages: Iterable[OutboundMessage], size: int) -> list[list[OutboundMessage]]:
    """Group messages that can share one sms/send (same text, sender and type), at most
    ``size`` each and each number once per request, so replies map back unambiguously."""
    groups: dict[tuple, list[list[OutboundMessage]]] = {}
    for message in messages:
        chunks = groups.setdefault(_content_key(message), [[]])
        current = chunks[-1]
        if len(current) >= size or any(address_key(m.to) == address_key(message.to) for m in current):
            current = []
            chunks.append(current)
        current.append(message)
    return [chunk for chunks in groups.values() for chunk in chunks if chunk]


def _content_key(message: OutboundMessage) -> tuple:
    payload = message.payload or {}
    return (message.text, message.sender, bool(message.flash), bool(payload.get("binary")), str(payload.get("binary_header") or ""))


def sms_encoding_and_text(message: OutboundMessage) -> tuple[str, str]:
    """encoding 0 text, 240 flash, 245 binary (the message as hex)."""
    if (message.payload or {}).get("binary"):
        return BINARY, _hex(message.text)
    return (FLASH if message.flash else TEXT), message.text


def _hex(text: str) -> str:
    compact = "".join(text.split())
    if compact and len(compact) % 2 == 0 and all(ch in "0123456789abcdefABCDEF" for ch in compact):
        return compact
    if not text:
        raise ValueError("a binary SMS needs content")
    return text.encode("utf-8").hex()


def _destination_responses(data: dict[str, Any]) -> list[dict[str, Any]]:
    found = next((v for k, v in data.items() if k.lower() == "destinationresponses"), None)
    return [d for d in found if isinstance(d, dict)] if isinstance(found, list) else []


def _json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return float(response.headers.get("retry-after", ""))
    except ValueError:
        return None


def _amount(value: Any) -> str | None:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return f"{amount:.2f}" if amount > 0 else None
