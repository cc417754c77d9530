"""Unified Communications bulk HTTP API: ``GET /bulksms/bulksms`` on the customer's own host
(the connection's base URL, e.g. ``http://203.0.113.10:8080``), username and password in
the query, one text to comma-separated destinations, a pipe-delimited reply per
destination (``providers.unified.replies``).

- ``type`` follows the message: 0 text, 1 flash, 2 unicode, 6 unicode flash; ``dlr=1``.
- With the connection setting ``provider_schedules`` on, a message with ``send_at`` in the
  future goes to ``/bulksms/schedulemsg`` (date ``MM/DD/YYYY``, time ``hh:mm am/pm``, ``gmt``
  ``+00:00``: we always give UTC) and the provider holds it.
- Only 1709 is retried; 1715 leaves the message ``unknown`` and it is never resubmitted.
- No balance, status query or MO API is documented; delivery reports arrive in the format
  described in ``providers.unified.dlr``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from urllib.parse import urlencode

import httpx

from providers.base import (
    Capability,
    ChunkedBulkBackend,
    ConnectionCheck,
    CredentialField,
    ErrorClass,
    ErrorCode,
    MessageStatus,
    OutboundMessage,
    ProviderError,
    SenderRule,
    SendResult,
    SettingField,
    WebhookRequest,
    WebhookResult,
    http_status_error,
    transport_error,
)
from providers.unified import codes
from providers.unified.dlr import parse_reports
from providers.unified.replies import Entry, UnreadableReply, digits, match_entries, parse_reply

SEND_PATH = "bulksms/bulksms"
SCHEDULE_PATH = "bulksms/schedulemsg"
MAX_URL = 7000  # stay clear of the usual 8 KB request-line limit
MIN_DIGITS, MAX_DIGITS = 8, 15


def schedule_fields(when: datetime) -> dict[str, str]:
    """date MM/DD/YYYY, time hh:mm am/pm (12-hour clock) and gmt, in UTC."""
    utc = (when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone(UTC)
    return {"date": utc.strftime("%m/%d/%Y"), "time": utc.strftime("%I:%M %p").lower(), "gmt": "+00:00"}


def result_for_error(message: OutboundMessage, error: ProviderError) -> SendResult:
    """Failed when permanent, unknown when ambiguous, else left queued for the pipeline."""
    if error.error_class == ErrorClass.PERMANENT:
        status = MessageStatus.FAILED
    elif error.error_class == ErrorClass.AMBIGUOUS:
        status = MessageStatus.UNKNOWN
    else:
        status = MessageStatus.QUEUED
    return SendResult(message_id=message.id, status=status, error=error)


class UnifiedBackend(ChunkedBulkBackend):
    slug = "unified"
    name = "Unified Communications (bulk HTTP)"
    default_base_url = ""  # each customer gets a host of their own
    credential_fields = (
        CredentialField("username", "Username", secret=False, help_text="The username of the HTTP account."),
        CredentialField("password", "Password", help_text="The password of the HTTP account."),
    )
    setting_fields = (
        SettingField(
            "provider_schedules",
            "Let the provider schedule",
            kind="bool",
            default=False,
            help_text="Hand messages with a future send time to /bulksms/schedulemsg instead of holding them here.",
        ),
    )
    capabilities = frozenset({Capability.SMS, Capability.SMS_FLASH, Capability.SMS_UNICODE, Capability.SCHEDULE})
    schedule_setting = "provider_schedules"
    bulk_size = 100
    bulk_same_content = True
    concurrency = 4
    base_url_help = "http://<server>:<port>, the host Unified gave you (/bulksms/bulksms is added to it)."
    # source: "Max Length of 18 if numeric. Max Length of 11 if alphanumeric."
    sms_sender_rule = SenderRule(alphanumeric_max=11, numeric_max=18)
    notes = (
        "The base URL is the host Unified gave you (http://<server>:<port>). No balance, status query or "
        "incoming SMS. Delivery reports are not described by Unified: ask them to send reports to this "
        "connection's webhook URL (see the accepted format). Error 1715 leaves a message 'unknown' and it is "
        "never resent. Provider-side scheduling only when 'Let the provider schedule' is on."
    )

    # --- sending -------------------------------------------------------------
    def _schedule_for(self, message: OutboundMessage) -> datetime | None:
        if not self.config.settings.get("provider_schedules") or message.send_at is None:
            return None
        when = message.send_at if message.send_at.tzinfo else message.send_at.replace(tzinfo=UTC)
        return when if when > datetime.now(UTC) else None

    def _base_params(self, message: OutboundMessage) -> dict[str, str]:
        params = {
            "username": self.config.credentials.get("username", ""),
            "password": self.config.credentials.get("password", ""),
            "type": codes.message_type(message.encoding == "ucs2", message.flash),
            "dlr": "1",
            "source": message.sender,
            "message": message.text,
        }
        when = self._schedule_for(message)
        if when is not None:
            params.update(schedule_fields(when))
        return params

    def _chunks(self, messages: Sequence[OutboundMessage]) -> Iterator[list[OutboundMessage]]:
        """Messages sharing every parameter but the destination, within bulk_size and the URL budget."""
        groups: dict[tuple[tuple[str, str], ...], list[OutboundMessage]] = {}
        for message in messages:
            key = tuple(sorted(self._base_params(message).items()))
            groups.setdefault(key, []).append(message)
        for key, members in groups.items():
            budget = MAX_URL - len(self.url(SCHEDULE_PATH)) - len(urlencode(dict(key)))
            chunk: list[OutboundMessage] = []
            used = 0
            for message in members:
                cost = len(digits(message.to)) + 3  # the number and its encoded comma
                if chunk and (len(chunk) >= self.bulk_size or used + cost > budget):
                    yield chunk
                    chunk, used = [], 0
                chunk.append(message)
                used += cost
            if chunk:
                yield chunk

    def _send_chunk(self, chunk: list[OutboundMessage]) -> list[SendResult]:
        plausible = [m for m in chunk if MIN_DIGITS <= len(digits(m.to)) <= MAX_DIGITS]
        results = [
            result_for_error(m, ProviderError(ErrorCode.INVALID_NUMBER, ErrorClass.PERMANENT, message=f"{m.to!r} is not a phone number."))
            for m in chunk
            if not MIN_DIGITS <= len(digits(m.to)) <= MAX_DIGITS
        ]
        if plausible:
            results.extend(self._submit(plausible))
        return results

    def _submit(self, chunk: list[OutboundMessage]) -> list[SendResult]:
        params = self._base_params(chunk[0])
        path = SCHEDULE_PATH if "date" in params else SEND_PATH
        destinations = [digits(m.to) for m in chunk]
        params["destination"] = ",".join(destinations)
        try:
            response = self.http.get(self.url(path), params=params)
        except httpx.HTTPError as exc:
            error = transport_error(exc, sent=True)
            return [result_for_error(m, error) for m in chunk]
        try:
            entries = parse_reply(response.text)
        except UnreadableReply as exc:
            error = self._unreadable(response, str(exc))
            return [result_for_error(m, error) for m in chunk]
        extra = {"scheduled_for": f"{params['date']} {params['time']} GMT{params['gmt']}"} if "date" in params else {}
        return [self._result(m, e, extra) for m, e in zip(chunk, match_entries(destinations, entries), strict=True)]

    @staticmethod
    def _unreadable(response: httpx.Response, detail: str) -> ProviderError:
        error = http_status_error(response.status_code, response.text)
        if error is not None:
            return error
        if response.is_success:  # it may have gone out: never resend blindly
            return ProviderError(ErrorCode.PROVIDER_ERROR, ErrorClass.AMBIGUOUS, raw_code=str(response.status_code), message=detail)
        return ProviderError(ErrorCode.BAD_REQUEST, ErrorClass.PERMANENT, raw_code=str(response.status_code), message=detail)

    @staticmethod
    def _result(message: OutboundMessage, entry: Entry | None, extra: dict[str, str]) -> SendResult:
        if entry is None:
            missing = ProviderError(
                ErrorCode.PROVIDER_ERROR, ErrorClass.AMBIGUOUS, message="The reply says nothing about this destination."
            )
            return result_for_error(message, missing)
        if entry.code == codes.SUCCESS:
            return SendResult(message.id, MessageStatus.SUBMITTED, provider_message_id=entry.message_id, extra=dict(extra))
        return result_for_error(message, codes.error_for(entry.code))

    # --- webhooks --------------------------------------------------------------
    def parse_webhook(self, request: WebhookRequest) -> WebhookResult:
        return WebhookResult(statuses=parse_reports(request))

    # --- account -----------------------------------------------------------------
    def test_connection(self) -> ConnectionCheck:
        """An empty request (no destination, no message: nothing can go out) shows whether
        the host answers and refuses the credentials (1703) or our IP (16, 18)."""
        if not self.config.base_url.startswith(("http://", "https://")):
            return ConnectionCheck(ok=False, message="Set the base URL to the host Unified gave you.")
        auth = {"username": self.config.credentials.get("username", ""), "password": self.config.credentials.get("password", "")}
        try:
            response = self.http.get(self.url(SEND_PATH), params=auth)
            entries = parse_reply(response.text)
        except httpx.HTTPError as exc:
            return ConnectionCheck(ok=False, message=transport_error(exc, sent=False).message)
        except UnreadableReply:
            return ConnectionCheck(ok=False, message=f"The host answered HTTP {response.status_code} without a Unified reply code.")
        code = entries[0].code
        if code in ("1703", "16", "18", "1725"):
            return ConnectionCheck(ok=False, message=f"{code}: {codes.error_for(code).message}")
        return ConnectionCheck(
            ok=True, message=f"The host answers ({code} for an empty request); credentials are confirmed by the first send."
        )
