"""VavaSMS (https://vavasms.com/api): form-encoded POSTs with the account's username and
password in every request.

- ``v1/text/single`` sends one text to one or many comma-separated phones; the reply has
  a ``lot_id`` for the request and one ``message_id`` per phone (kept in
  ``SendResult.extra["lot_id"]`` and ``provider_message_id``).
- VavaSMS pushes no delivery reports: statuses come from the status query (by message id
  or lot id). Its path is not printed in the document; the connection setting
  ``status_path`` (default ``v1/text/status``) holds it.
- Incoming SMS are POSTed to the notification URL set in the VavaSMS back office
  (see ``providers.vavasms.webhooks``).
- OTP: ``v1/otp/send`` and ``v1/otp/verify``. VavaSMS verifies a code by phone number, so
  the OTP ``reference`` we hand out is the destination number.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

import httpx

from providers.base import (
    Capability,
    ChunkedBulkBackend,
    ConnectionCheck,
    CredentialField,
    ErrorClass,
    ErrorCode,
    MessageStatus,
    OtpResult,
    OutboundMessage,
    ProviderError,
    ProviderException,
    SenderRule,
    SendResult,
    SettingField,
    StatusUpdate,
    WebhookRequest,
    WebhookResult,
    http_status_error,
    transport_error,
)
from providers.vavasms import codes
from providers.vavasms.replies import Reply, UnreadableReply, parse_reply
from providers.vavasms.webhooks import parse_notification

SEND_PATH = "v1/text/single"
BALANCE_PATH = "v1/check/balance"
OTP_SEND_PATH = "v1/otp/send"
OTP_VERIFY_PATH = "v1/otp/verify"
DEFAULT_STATUS_PATH = "v1/text/status"
OTP_TAG = "##OTP##"
OTP_MIN_LENGTH, OTP_MAX_LENGTH = 4, 9  # what VavaSMS accepts
LOT_PREFIX = "LOT-"
MIN_DIGITS, MAX_DIGITS = 8, 15


def phone_digits(number: str) -> str:
    """The international format VavaSMS wants: digits only, no plus (22509000001)."""
    return "".join(ch for ch in number if ch.isdigit())


def plausible_phone(digits: str) -> bool:
    return MIN_DIGITS <= len(digits) <= MAX_DIGITS


def result_for_error(message: OutboundMessage, error: ProviderError, **extra: Any) -> SendResult:
    """Failed when permanent, unknown when ambiguous, else left queued for the pipeline."""
    if error.error_class == ErrorClass.PERMANENT:
        status = MessageStatus.FAILED
    elif error.error_class == ErrorClass.AMBIGUOUS:
        status = MessageStatus.UNKNOWN
    else:
        status = MessageStatus.QUEUED
    return SendResult(message_id=message.id, status=status, error=error, extra=dict(extra))


class VavaSMSBackend(ChunkedBulkBackend):
    slug = "vavasms"
    name = "VavaSMS"
    default_base_url = "https://vavasms.com/api"
    credential_fields = (
        CredentialField("username", "Username", secret=False, help_text="The e-mail address of your VavaSMS account."),
        CredentialField("password", "Password", help_text="The password of your VavaSMS account."),
    )
    setting_fields = (
        SettingField("sender_id", "Default sender ID", help_text="3-11 characters; used for OTP codes and messages without a sender."),
        SettingField(
            "status_path", "Status query path", default=DEFAULT_STATUS_PATH, help_text="Below the base URL; the document does not print it."
        ),
    )
    capabilities = frozenset(
        {Capability.SMS, Capability.SMS_UNICODE, Capability.BALANCE, Capability.STATUS_QUERY, Capability.INBOUND, Capability.OTP}
    )
    bulk_size = 100
    bulk_same_content = True
    concurrency = 4
    base_url_help = "https://vavasms.com/api, the document's .../api (paths /v1/text/single, /v1/check/balance... are added to it)."
    # "La longueur du sender_id alphanumérique doit être comprise entre 3 et 11 caractères"
    sms_sender_rule = SenderRule(alphanumeric_min=3, alphanumeric_max=11, numeric_max=11)
    delivery_reports = False  # statuses only through status queries: the engine polls them
    batch_status_query = True  # the status query takes a lot_id: one request per lot
    redact_keys = frozenset({"password", "otp"})
    notes = (
        "No flash SMS and no provider-side scheduling. VavaSMS sends no delivery reports: "
        "statuses are fetched with its status query. Incoming SMS arrive at the notification URL "
        "you set in the VavaSMS back office (use this connection's webhook URL)."
    )

    # --- requests ------------------------------------------------------------
    def _auth(self) -> dict[str, str]:
        creds = self.config.credentials
        return {"username": creds.get("username", ""), "password": creds.get("password", "")}

    def _call(self, path: str, fields: dict[str, str]) -> Reply:
        """POST form fields; the reply when it carries a code, else ProviderException."""
        try:
            response = self.http.post(self.url(path), data={**self._auth(), **fields})
        except httpx.HTTPError as exc:
            raise ProviderException(transport_error(exc, sent=True))
        if response.status_code == 429:
            raise ProviderException(self._unreadable(response, "rate limited"))
        try:
            reply = parse_reply(response.text)
        except UnreadableReply as exc:
            raise ProviderException(self._unreadable(response, str(exc)))
        if response.status_code >= 500 and not reply.ok and reply.code not in codes.ERRORS:
            raise ProviderException(self._unreadable(response, reply.description or reply.label))
        return reply

    @staticmethod
    def _unreadable(response: httpx.Response, detail: str) -> ProviderError:
        retry_after = response.headers.get("retry-after")
        error = http_status_error(
            response.status_code, response.text, float(retry_after) if retry_after and retry_after.isdigit() else None
        )
        if error is not None:
            return error
        if response.is_success:  # it may have been sent: never resend blindly
            return ProviderError(ErrorCode.PROVIDER_ERROR, ErrorClass.AMBIGUOUS, raw_code=str(response.status_code), message=detail)
        return ProviderError(ErrorCode.BAD_REQUEST, ErrorClass.PERMANENT, raw_code=str(response.status_code), message=detail)

    @staticmethod
    def _error(reply: Reply) -> ProviderError:
        return codes.error_for(reply.code, reply.label, reply.description)

    def _sender(self, message_sender: str = "") -> str:
        return message_sender or str(self.config.settings.get("sender_id") or "")

    # --- sending -------------------------------------------------------------
    def _chunks(self, messages: Sequence[OutboundMessage]) -> Iterator[list[OutboundMessage]]:
        """Same sender and text, at most bulk_size, and each phone once per request
        (the reply's ids are matched to phones)."""
        groups: dict[tuple[str, str], list[tuple[list[OutboundMessage], set[str]]]] = {}
        for message in messages:
            chunks = groups.setdefault((message.sender, message.text), [])
            phone = phone_digits(message.to)
            target = next((c for c in chunks if len(c[0]) < self.bulk_size and phone not in c[1]), None)
            if target is None:
                target = ([], set())
                chunks.append(target)
            target[0].append(message)
            target[1].add(phone)
        for chunks in groups.values():
            yield from (members for members, _phones in chunks)

    def _send_chunk(self, chunk: list[OutboundMessage]) -> list[SendResult]:
        good = [m for m in chunk if plausible_phone(phone_digits(m.to))]
        results = [result_for_error(m, self._invalid_number(m.to)) for m in chunk if not plausible_phone(phone_digits(m.to))]
        if good:
            results.extend(self._submit(good))
        return results

    @staticmethod
    def _invalid_number(number: str) -> ProviderError:
        return ProviderError(ErrorCode.INVALID_NUMBER, ErrorClass.PERMANENT, message=f"{number!r} is not an international phone number.")

    def _submit(self, chunk: list[OutboundMessage]) -> list[SendResult]:
        first = chunk[0]
        fields = {
            "sender_id": self._sender(first.sender),
            "phone": ",".join(phone_digits(m.to) for m in chunk),
            "message": first.text,
        }
        try:
            reply = self._call(SEND_PATH, fields)
        except ProviderException as exc:
            return [result_for_error(m, exc.error) for m in chunk]
        if reply.ok:
            return self._accepted(chunk, reply)
        if reply.code == "903" and len(chunk) > 1:
            # The whole request was refused, so nothing went out: halve it to find the bad number(s).
            middle = len(chunk) // 2
            return self._submit(chunk[:middle]) + self._submit(chunk[middle:])
        error = self._error(reply)
        return [result_for_error(m, error) for m in chunk]

    def _accepted(self, chunk: list[OutboundMessage], reply: Reply) -> list[SendResult]:
        data = reply.data if isinstance(reply.data, dict) else {}
        lot_id = str(data.get("lot_id") or "")
        ids = ids_by_phone(data.get("message_id"), [phone_digits(m.to) for m in chunk])
        results = []
        for message in chunk:
            provider_id = ids.get(phone_digits(message.to), "")
            if provider_id:
                results.append(
                    SendResult(
                        message.id, MessageStatus.SUBMITTED, provider_message_id=provider_id, extra={"lot_id": lot_id, "batch_id": lot_id}
                    )
                )
            else:
                missing = ProviderError(
                    ErrorCode.PROVIDER_ERROR,
                    ErrorClass.AMBIGUOUS,
                    message=f"VavaSMS accepted lot {lot_id or '?'} without a message id for this number.",
                )
                results.append(result_for_error(message, missing, lot_id=lot_id))
        return results

    # --- status ----------------------------------------------------------------
    def query_status(self, messages: Sequence[tuple[int, str]]) -> list[StatusUpdate]:
        """Ask by message id (SM-...) or, for an id that is a lot (LOT-...), by lot id."""
        updates: list[StatusUpdate] = []
        asked: set[str] = set()
        for our_id, provider_id in messages:
            if not provider_id or provider_id in asked:
                continue
            asked.add(provider_id)
            field = "lot_id" if provider_id.startswith(LOT_PREFIX) else "message_id"
            entries = self._status_entries({field: provider_id})
            for entry in entries:
                update = self._status_update(entry, our_id if field == "message_id" else None)
                if update is not None:
                    updates.append(update)
        return updates

    def query_batch(self, batch_id: str) -> list[StatusUpdate]:
        """Every message of a lot in one request (lot_id); found again by their message ids."""
        updates = [self._status_update(entry, None) for entry in self._status_entries({"lot_id": batch_id})]
        return [u for u in updates if u is not None and u.provider_message_id]

    def _status_entries(self, fields: dict[str, str]) -> list[dict[str, Any]]:
        path = str(self.config.settings.get("status_path") or DEFAULT_STATUS_PATH)
        reply = self._call(path, fields)
        if reply.code == "709":  # no send exists for this id
            return []
        if not reply.ok:
            raise ProviderException(self._error(reply))
        data = reply.data
        if isinstance(data, dict):
            data = [data]
        return [e for e in data or [] if isinstance(e, dict)]

    @staticmethod
    def _status_update(entry: dict[str, Any], our_id: int | None) -> StatusUpdate | None:
        word = str(entry.get("status") or "")
        status = codes.status_for(word)
        if status is None:
            return None
        return StatusUpdate(
            status=status,
            provider_message_id=str(entry.get("message_id") or ""),
            message_id=our_id,
            error=codes.status_error(status, word),
            raw_status=word,
        )

    # --- webhooks --------------------------------------------------------------
    def parse_webhook(self, request: WebhookRequest) -> WebhookResult:
        return WebhookResult(inbound=parse_notification(request))

    # --- account -----------------------------------------------------------------
    def balance(self) -> tuple[Decimal, str]:
        """(amount, currency) of the account; ProviderException when refused."""
        reply = self._call(BALANCE_PATH, {})
        if not reply.ok:
            raise ProviderException(self._error(reply))
        data = reply.data if isinstance(reply.data, dict) else {}
        try:
            amount = Decimal(str(data.get("amount")))
        except InvalidOperation:
            raise ProviderException(
                ProviderError(ErrorCode.PROVIDER_ERROR, ErrorClass.PERMANENT, message="The balance reply has no amount.")
            )
        return amount, str(data.get("currency") or "XOF")

    def test_connection(self) -> ConnectionCheck:
        try:
            amount, currency = self.balance()
        except ProviderException as exc:
            return ConnectionCheck(ok=False, message=exc.error.message or str(exc.error.code))
        return ConnectionCheck(ok=True, message=f"Connected. Balance: {amount} {currency}.", balance=amount, currency=currency)

    # --- OTP ---------------------------------------------------------------------
    def otp_generate(self, to: str, **options: Any) -> OtpResult:
        """Options: sender, length (kept within 4-9), expiry_minutes, message (with ##OTP## or {code})."""
        fields = {"sender_id": self._sender(str(options.get("sender") or "")), "phone": phone_digits(to)}
        if options.get("length"):
            fields["otp_length"] = str(min(max(int(options["length"]), OTP_MIN_LENGTH), OTP_MAX_LENGTH))
        if options.get("expiry_minutes"):
            fields["otp_expiry"] = str(options["expiry_minutes"])
        if options.get("message"):
            fields["message"] = otp_message(str(options["message"]))
        try:
            reply = self._call(OTP_SEND_PATH, fields)
        except ProviderException as exc:
            return OtpResult(ok=False, error=exc.error)
        if not reply.ok:
            return OtpResult(ok=False, error=self._error(reply))
        data = reply.data if isinstance(reply.data, dict) else {}
        return OtpResult(ok=True, reference="+" + phone_digits(to), message_id=str(data.get("message_id") or ""))

    def otp_verify(self, reference: str, code: str) -> OtpResult:
        """``reference`` is the phone number the code was sent to."""
        fields = {"phone": phone_digits(reference), "otp": code.strip()}
        if self._sender():
            fields["sender_id"] = self._sender()
        try:
            reply = self._call(OTP_VERIFY_PATH, fields)
        except ProviderException as exc:
            return OtpResult(ok=False, reference=reference, error=exc.error)
        if not reply.ok:
            return OtpResult(ok=False, reference=reference, error=self._error(reply))
        data = reply.data if isinstance(reply.data, dict) else {}
        if str(data.get("status") or "success").lower() != "success":
            error = ProviderError(ErrorCode.REJECTED, ErrorClass.PERMANENT, message=f"OTP status {data.get('status')!r}")
            return OtpResult(ok=False, reference=reference, error=error)
        return OtpResult(ok=True, reference=reference, message_id=str(data.get("message_id") or ""))


def otp_message(text: str) -> str:
    """The OTP text must hold the ##OTP## tag; accept {code} / {{ code }} for it."""
    for placeholder in ("{{ code }}", "{{code}}", "{code}"):
        text = text.replace(placeholder, OTP_TAG)
    return text if OTP_TAG in text else f"{text} {OTP_TAG}"


def ids_by_phone(raw: Any, phones: list[str]) -> dict[str, str]:
    """Message ids by phone digits. VavaSMS answers a list in the order of the phones;
    a {phone: id} object or [{phone, message_id}] list is read by phone."""
    if isinstance(raw, str):
        raw = [raw] if raw else []
    if isinstance(raw, dict):
        return {phone_digits(str(k)): str(v) for k, v in raw.items()}
    if not isinstance(raw, list):
        return {}
    if raw and all(isinstance(item, dict) for item in raw):
        return {phone_digits(str(item.get("phone") or "")): str(item.get("message_id") or "") for item in raw}
    return {phone: str(mid) for phone, mid in zip(phones, raw, strict=False) if mid}
