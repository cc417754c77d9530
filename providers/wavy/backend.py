"""Wavy SMS API (api-messaging.wavy.global): bulk JSON sends, callbacks, DLRs, MOs, lookup."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx

from providers.base import Capability as C
from providers.base import (
    CarrierInfo,
    ConnectionCheck,
    CredentialField,
    ErrorClass,
    ErrorCode,
    InboundItem,
    MalformedWebhook,
    MessageStatus,
    OutboundMessage,
    ProviderBackend,
    ProviderError,
    ProviderException,
    SendResult,
    SettingField,
    StatusUpdate,
    WebhookRequest,
    WebhookResult,
    transport_error,
)
from providers.wavy import charset, codes, parsing

SEND_ONE = "/v1/send-sms"
SEND_BULK = "/v1/send-bulk-sms"
STATUS_SEARCH = "/v1/sms/status/search"
STATUS_LIST = "/v1/sms/status/list"
MO_LIST = "/v1/sms/receive/list"
MO_SEARCH = "/v1/sms/receive/search"
CARRIER_LOOKUP = "/v1/carrier/lookup"

MAX_TEXT = 1280  # messageText
MAX_CORRELATION_ID = 64
MIN_SCHEDULE_AHEAD = timedelta(minutes=30)  # "You can only schedule a period longer than 30 minutes"
QUERY_CHUNK = 1000
STATUS_WRAPPER = "smsStatuses"
SYSTEMIC_AFTER = 3  # single resends of a refused bulk that all fail before we stop resending
DATE_FORMAT = "%Y-%m-%dT%H:%M:%S"  # yyyy-MM-dd'T'HH:mm:ss, read in the request's timeZone
# Fields every message of a request carries the same value of go to defaultValues.
PER_MESSAGE_ONLY = frozenset({"destination", "correlationId"})


class WavyBackend(ProviderBackend):
    slug = "wavy"
    name = "Wavy"
    default_base_url = "https://api-messaging.wavy.global"
    credential_fields = (
        CredentialField("username", "Username or email", secret=False, help_text="A sending user (not the company Administrator)."),
        CredentialField("authenticationtoken", "Authentication token"),
    )
    setting_fields = (
        SettingField(
            "subAccount",
            "Subaccount reference",
            help_text="Wavy subaccount to bill; only Administrator users may set it. Empty: the user's own subaccount.",
        ),
        SettingField(
            "poll_replies",
            "Fetch replies by polling",
            kind="bool",
            default=True,
            help_text="Every minute ask sms/receive/list (and hourly sms/receive/search) for replies push missed; duplicates are dropped.",
        ),
        SettingField(
            "poll_statuses",
            "Pull statuses every minute",
            kind="bool",
            default=False,
            help_text="Ask sms/status/list as a fallback to callbacks (it shares the 1 status query per second limit).",
        ),
        SettingField(
            "carrier_lookup_on_import",
            "Look up carriers after an import",
            kind="bool",
            default=False,
            help_text="After an import into a list, look up the numbers not looked up yet (Wavy bills each lookup).",
        ),
        SettingField(
            "carrier_lookup_before_send",
            "Look up carriers before a campaign",
            kind="bool",
            default=False,
            help_text="Before a campaign starts, look up the carrier of recipients not looked up yet (Wavy bills each lookup).",
        ),
        SettingField(
            "provider_schedules",
            "Let the provider schedule",
            kind="bool",
            default=False,
            help_text="Send a campaign scheduled more than 30 minutes ahead now, with scheduledDate, instead of holding it here.",
        ),
    )
    inbound_poll_setting = "poll_replies"
    schedule_setting = "provider_schedules"
    schedule_min_ahead = MIN_SCHEDULE_AHEAD.total_seconds()
    status_list_setting = "poll_statuses"
    capabilities = frozenset({C.SMS, C.SMS_FLASH, C.SMS_UNICODE, C.STATUS_QUERY, C.CARRIER_LOOKUP, C.INBOUND, C.SCHEDULE})
    bulk_size = 1000
    base_url_help = "https://api-messaging.wavy.global (the document's host; /v1/send-sms... are added to it)."
    bulk_same_content = False
    # "Status queries have a rate-limit of 1 request per second per IP address" (search and list).
    # Spaced 1.25 s: requests that leave 1 s apart can arrive closer (a slow first request), and
    # the provider counts arrivals.
    rate_limits = {"status_query": 0.8}
    max_text_length = {"sms": MAX_TEXT}  # messageText: "max 1280 chars"
    redact_keys = frozenset({"authenticationtoken"})
    webhook_kinds = (("callback", "Sent-status callbacks"), ("dlr", "Delivery reports"), ("mo", "Replies (MO)"))
    notes = (
        "SMS only over HTTPS; the SMPP and SFTP interfaces are not used. No sender ID: Wavy sends from its short codes. "
        "Callback and DLR URLs are set in Wavy's portal (API settings), MO push through Wavy support: point them at this "
        "connection's webhook URL. Wavy bills a message when the carrier accepts it (sent status 2), not when it is "
        "submitted. Provider-side scheduling needs more than 30 minutes of notice. Carrier lookups are billed "
        "separately by Wavy. Status queries are limited to 1 request per second. Wavy bills any character outside printable ASCII "
        "(accents included) at 70 characters per SMS, and accents must be enabled by Wavy support."
    )

    # --- requests ------------------------------------------------------------
    def _headers(self) -> dict[str, str]:
        creds = self.config.credentials
        return {"username": creds.get("username", ""), "authenticationtoken": creds.get("authenticationtoken", "")}

    def _post(self, path: str, body: Any) -> httpx.Response:
        return self.http.post(self.url(path), json=body, headers=self._headers())

    def _get(self, path: str, params: dict[str, str] | None = None) -> httpx.Response:
        url = self.url(path) + (f"?{urlencode(params)}" if params else "")
        return self.http.get(url, headers=self._headers())

    # --- sending -------------------------------------------------------------
    def send_one(self, message: OutboundMessage) -> SendResult:
        return self.send_batch([message])[0]

    @classmethod
    def billed_segments(cls, text: str, segments: int) -> int:
        return charset.billing(text).segments  # its own table: an accent bills per 70 characters

    def send_batch(self, messages: Sequence[OutboundMessage]) -> list[SendResult]:
        results: list[SendResult] = []
        ready: dict[tuple, list[tuple[OutboundMessage, dict[str, Any]]]] = {}
        for message in messages:
            refused = self._refuse_locally(message)
            if refused is not None:
                results.append(refused)
                continue
            root = self._root_fields(message)
            if isinstance(root, SendResult):
                results.append(root)
                continue
            ready.setdefault(tuple(sorted((k, repr(v)) for k, v in root.items())), []).append((message, root))
        for group in ready.values():
            root = group[0][1]
            for start in range(0, len(group), self.bulk_size):
                chunk = [m for m, _ in group[start : start + self.bulk_size]]
                results.extend(self._send_request(chunk, root))
        return results

    def _refuse_locally(self, message: OutboundMessage) -> SendResult | None:
        """What Wavy would refuse anyway: caught before the request, so the rest of the batch goes."""
        problem = None
        if not message.text:
            problem = ProviderError(ErrorCode.CONTENT_INVALID, ErrorClass.PERMANENT, message="empty message text")
        elif len(message.text) > MAX_TEXT:
            problem = ProviderError(
                ErrorCode.CONTENT_INVALID,
                ErrorClass.PERMANENT,
                message=f"text is {len(message.text)} characters; Wavy takes at most {MAX_TEXT}",
            )
        elif not 8 <= len(parsing.wavy_number(message.to)) <= 15:
            problem = ProviderError(ErrorCode.INVALID_NUMBER, ErrorClass.PERMANENT, message=f"not a phone number: {message.to!r}")
        if problem is None:
            return None
        return SendResult(message.id, MessageStatus.FAILED, error=problem)

    def _root_fields(self, message: OutboundMessage) -> dict[str, Any] | SendResult:
        """Request-level fields (schedule, time window, time zone); messages differing here go in separate requests."""
        payload = message.payload or {}
        root: dict[str, Any] = {}
        zone_name = str(payload.get("time_zone") or "UTC")
        try:
            zone = ZoneInfo(zone_name)
        except (ZoneInfoNotFoundError, ValueError):
            zone, zone_name = ZoneInfo("UTC"), "UTC"
        if message.send_at is not None:
            ahead = message.send_at - datetime.now(UTC)
            if timedelta(0) < ahead <= MIN_SCHEDULE_AHEAD:
                error = ProviderError(
                    ErrorCode.NOT_ALLOWED,
                    ErrorClass.RETRYABLE,
                    message="Wavy schedules only more than 30 minutes ahead: send at the time instead",
                    retry_after=ahead.total_seconds(),
                )
                return SendResult(message.id, MessageStatus.QUEUED, error=error)
            if ahead > MIN_SCHEDULE_AHEAD:
                root["scheduledDate"] = message.send_at.astimezone(zone).strftime(DATE_FORMAT)
        hours = _window_hours(payload.get("time_window"))
        if hours:
            root["timeWindow"] = hours
        if root or message.expires_at is not None:
            root["timeZone"] = zone_name
        return root

    def _message_fields(self, message: OutboundMessage, zone_name: str) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "destination": parsing.wavy_number(message.to),
            "messageText": message.text,
            "correlationId": str(message.id)[:MAX_CORRELATION_ID],
        }
        if message.flash:
            fields["flashSMS"] = True
        if message.expires_at is not None:
            fields["expiresDate"] = message.expires_at.astimezone(ZoneInfo(zone_name)).strftime(DATE_FORMAT)
        subaccount = (message.payload or {}).get("subaccount") or self.config.settings.get("subAccount")
        if subaccount:
            fields["subAccount"] = str(subaccount)
        return fields

    def build_request(self, messages: Sequence[OutboundMessage], root: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """(path, JSON body): send-sms for one message, send-bulk-sms with defaultValues for more."""
        zone_name = root.get("timeZone", "UTC")
        items = [self._message_fields(m, zone_name) for m in messages]
        if len(items) == 1:
            return SEND_ONE, {**items[0], **root}
        shared = _shared_fields(items)
        body: dict[str, Any] = {"messages": [{k: v for k, v in item.items() if k not in shared} for item in items]}
        if shared:
            body["defaultValues"] = shared
        return SEND_BULK, {**body, **root}

    def _send_request(self, messages: list[OutboundMessage], root: dict[str, Any]) -> list[SendResult]:
        path, body = self.build_request(messages, root)
        try:
            response = self._post(path, body)
        except httpx.HTTPError as exc:
            error = transport_error(exc, sent=True)  # connect failures stay retryable inside
            return [_failure(m, error) for m in messages]
        if response.status_code == 400 and len(messages) > 1:
            return self._isolate_refusal(messages, root, response_error(response))
        if response.status_code >= 300:
            error = response_error(response)
            return [_failure(m, error) for m in messages]
        try:
            data = response.json()
        except ValueError:
            error = ProviderError(
                ErrorCode.PROVIDER_ERROR, ErrorClass.AMBIGUOUS, raw_code=str(response.status_code), message="unreadable reply"
            )
            return [_failure(m, error) for m in messages]
        return map_send_reply(messages, data)

    def _isolate_refusal(self, messages: list[OutboundMessage], root: dict[str, Any], error: ProviderError) -> list[SendResult]:
        """A refused bulk request sent nothing: send its messages one by one so one bad message
        fails alone. When the first few all fail the same way and none passes, the refusal is
        about the request (a subAccount, a field), not a message: the rest fail with it."""
        results: list[SendResult] = []
        for position, message in enumerate(messages):
            if position >= SYSTEMIC_AFTER and all(r.status == MessageStatus.FAILED for r in results):
                return results + [_failure(m, error) for m in messages[position:]]
            results.extend(self._send_request([message], root))
        return results

    # --- statuses ------------------------------------------------------------
    def query_status(self, messages: Sequence[tuple[int, str]]) -> list[StatusUpdate]:
        """POST /v1/sms/status/search by our ids (correlationIds) and Wavy ids; 1 request/s at most."""
        pairs = list(messages)
        by_provider_id = {pid.lower(): mid for mid, pid in pairs if pid}
        updates: list[StatusUpdate] = []
        for start in range(0, len(pairs), QUERY_CHUNK):
            chunk = pairs[start : start + QUERY_CHUNK]
            body = {"ids": [pid for _, pid in chunk if pid], "correlationIds": [str(mid) for mid, _ in chunk]}
            self.pace("status_query")
            data = self._call_json("POST", STATUS_SEARCH, body)
            updates.extend(_with_our_id(u, by_provider_id) for u in _status_rows(data))
        return updates

    def fetch_status_list(self) -> list[StatusUpdate]:
        """GET /v1/sms/status/list: statuses not yet returned by this endpoint (it consumes them)."""
        self.pace("status_query")
        return _status_rows(self._call_json("GET", STATUS_LIST))

    # --- webhooks ------------------------------------------------------------
    def parse_webhook(self, request: WebhookRequest) -> WebhookResult:
        if request.method.upper() == "GET" and request.query:
            records = [dict(request.query)]
        else:
            try:
                records = parsing.records_of(parsing.load_json(request.body))
            except ValueError as exc:
                raise MalformedWebhook(f"not JSON: {exc}") from exc
        result = WebhookResult()
        for record in records:
            _read_record(record, request.kind, result)
        if not records:
            raise MalformedWebhook("empty list")
        return result

    # --- account-level calls -------------------------------------------------
    def test_connection(self) -> ConnectionCheck:
        """A status search for an id that does not exist: authenticated, free, consumes nothing."""
        try:
            self.pace("status_query")
            self._call_json("POST", STATUS_SEARCH, {"ids": [], "correlationIds": ["connection-test"]})
        except ProviderException as exc:
            return ConnectionCheck(ok=False, message=f"Wavy refused the check: {exc.error.message}")
        return ConnectionCheck(ok=True, message="Wavy accepted the username and token.")

    def carrier_lookup(self, numbers: Sequence[str]) -> list[CarrierInfo]:
        """POST /v1/carrier/lookup; billed by Wavy per number."""
        found: list[CarrierInfo] = []
        for start in range(0, len(numbers), QUERY_CHUNK):
            chunk = list(numbers[start : start + QUERY_CHUNK])
            data = self._call_json("POST", CARRIER_LOOKUP, {"destinations": [parsing.wavy_number(n) for n in chunk]})
            found.extend(map_lookup_reply(chunk, data))
        return found

    def fetch_inbound(self, since: datetime | None = None, until: datetime | None = None) -> list[InboundItem]:
        """MOs: search a period (at most the last 5 days) when ``since`` is given, else the
        consuming list of those not fetched before. Up to 1,000 per call."""
        params: dict[str, str] = {}
        subaccount = self.config.settings.get("subAccount")
        if subaccount:
            params["subAccount"] = str(subaccount)
        if since is None and until is None:
            data = self._call_json("GET", MO_LIST, params=params)
        else:
            if since is not None:
                params["start"] = since.astimezone(UTC).strftime(DATE_FORMAT)
            if until is not None:
                params["end"] = until.astimezone(UTC).strftime(DATE_FORMAT)
            data = self._call_json("GET", MO_SEARCH, params=params)
        return [parsing.inbound_from_record(row) for row in _rows(data) if parsing.is_mo_record(row)]

    def _call_json(self, method: str, path: str, body: Any = None, params: dict[str, str] | None = None) -> Any:
        """An account-level call: the JSON reply, else ProviderException with a classed error."""
        try:
            response = self._post(path, body) if method == "POST" else self._get(path, params)
        except httpx.HTTPError as exc:
            raise ProviderException(transport_error(exc, sent=False)) from exc
        if response.status_code >= 300:
            raise ProviderException(response_error(response))
        try:
            return response.json() if response.content else None
        except ValueError as exc:
            raise ProviderException(ProviderError(ErrorCode.PROVIDER_ERROR, ErrorClass.RETRYABLE, message="unreadable reply")) from exc


# --- helpers (module level so tests can use them on the document's samples) ---------
def _window_hours(value: Any) -> list[int]:
    """timeWindow: whole hours 0-23; anything else is ignored rather than sent."""
    if not isinstance(value, list | tuple):
        return []
    return sorted({int(h) for h in value if isinstance(h, int | str) and str(h).isdigit() and 0 <= int(h) <= 23})


def _shared_fields(items: list[dict[str, Any]]) -> dict[str, Any]:
    """Fields with the same value in every message (besides destination and correlationId)."""
    first = items[0]
    return {
        key: value
        for key, value in first.items()
        if key not in PER_MESSAGE_ONLY and all(key in item and item[key] == value for item in items[1:])
    }


def _failure(message: OutboundMessage, error: ProviderError) -> SendResult:
    if error.error_class == ErrorClass.AMBIGUOUS:
        status = MessageStatus.UNKNOWN
    elif error.error_class == ErrorClass.RETRYABLE:
        status = MessageStatus.QUEUED  # the pipeline retries it
    else:
        status = MessageStatus.FAILED
    return SendResult(message.id, status, error=error)


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds, or as an HTTP date."""
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max((when - datetime.now(UTC)).total_seconds(), 0.0)


def response_error(response: httpx.Response) -> ProviderError:
    """Class a non-2xx reply: by HTTP status, with the body's error text as the message."""
    status = response.status_code
    detail = _error_detail(response)
    base = codes.HTTP_ERRORS.get(status)
    if base is None:
        if status >= 500:
            base = ProviderError(ErrorCode.PROVIDER_ERROR, ErrorClass.RETRYABLE, raw_code=str(status))
        else:
            base = ProviderError(ErrorCode.BAD_REQUEST, ErrorClass.PERMANENT, raw_code=str(status))
    raw_code, text = detail
    code, error_class = base.code, base.error_class
    if 400 <= status < 500 and raw_code.isdigit() and int(raw_code) in codes.SENT_STATUS:
        meaning = codes.SENT_STATUS[int(raw_code)]
        code, error_class = meaning.code or code, meaning.error_class
    return ProviderError(
        code,
        error_class,
        raw_code=raw_code or base.raw_code,
        message=(text or base.message or f"HTTP {status}")[:300],
        retry_after=retry_after_seconds(response.headers.get("retry-after")) if status == 429 else None,
    )


def _error_detail(response: httpx.Response) -> tuple[str, str]:
    """(errorCode, errorMessage) of an error body, when it has one."""
    try:
        data = response.json()
    except ValueError:
        return "", response.text[:300].strip()
    if isinstance(data, list) and data and isinstance(data[0], dict):
        data = data[0]
    if not isinstance(data, dict):
        return "", ""
    raw = data.get("errorCode", data.get("code", ""))
    text = data.get("errorMessage") or data.get("message") or data.get("error") or ""
    return str(raw if raw is not None else ""), str(text)


def map_send_reply(messages: Sequence[OutboundMessage], data: Any) -> list[SendResult]:
    """One result per message from send-sms's ``[{"id", "correlationId"}]`` or send-bulk-sms's
    ``{"id": batch, "messages": [{"id"}, ...]}``. Items are matched by correlationId when they
    echo it, else by position; an item with an error instead of an id fails that message only."""
    items = _reply_items(data)
    batch_id = str(data.get("id") or "") if isinstance(data, dict) else ""
    by_correlation = {str(item.get("correlationId")): item for item in items if item.get("correlationId") not in (None, "")}
    results = []
    for position, message in enumerate(messages):
        item = by_correlation.get(str(message.id))
        if (
            item is None
            and position < len(items)
            and (len(items) == len(messages) == 1 or items[position].get("correlationId") in (None, ""))
        ):
            item = items[position]
        results.append(_result_from_item(message, item, batch_id))
    return results


def _reply_items(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, dict):
        data = data.get("messages", [data] if "id" in data and "messages" not in data else [])
    if not isinstance(data, list):
        return []
    return [item for item in data if isinstance(item, dict)]


def _result_from_item(message: OutboundMessage, item: dict[str, Any] | None, batch_id: str) -> SendResult:
    if item is None:
        error = ProviderError(ErrorCode.UNKNOWN, ErrorClass.AMBIGUOUS, message="the reply did not mention this message")
        return SendResult(message.id, MessageStatus.UNKNOWN, error=error)
    if item.get("id") and not item.get("errorCode") and not item.get("errorMessage"):
        bill = charset.billing(message.text)
        extra: dict[str, Any] = {"billed_segments": bill.segments, "charset": bill.charset}
        if batch_id:
            extra["batch_id"] = batch_id
        return SendResult(message.id, MessageStatus.SUBMITTED, provider_message_id=str(item["id"]), extra=extra)
    raw = str(item.get("errorCode") or "")
    meaning = codes.SENT_STATUS.get(int(raw)) if raw.isdigit() else None
    code = meaning.code if meaning and meaning.code else ErrorCode.BAD_REQUEST
    error_class = meaning.error_class if meaning and meaning.code else ErrorClass.PERMANENT
    text = str(item.get("errorMessage") or item.get("error") or "refused by Wavy")
    return SendResult(message.id, MessageStatus.FAILED, error=ProviderError(code, error_class, raw_code=raw, message=text[:300]))


def _rows(data: Any) -> list[dict[str, Any]]:
    """Rows of a status or MO reply. The document lists a status row's fields but prints no
    reply around them; Wavy has been seen answering ``{"smsStatuses": [...]}``, and a bare
    list is read too. MO replies are ``{"total", "start", "end", "messages": [...]}`` as printed."""
    if isinstance(data, dict) and isinstance(data.get(STATUS_WRAPPER), list):
        data = data[STATUS_WRAPPER]
    try:
        return parsing.records_of(data) if data else []
    except MalformedWebhook:
        return []


def _status_rows(data: Any) -> list[StatusUpdate]:
    return [parsing.status_from_record(row) for row in _rows(data) if row.get("id") or row.get("correlationId")]


def _with_our_id(update: StatusUpdate, by_provider_id: dict[str, int]) -> StatusUpdate:
    if update.message_id is not None:
        return update
    from dataclasses import replace

    return replace(update, message_id=by_provider_id.get(update.provider_message_id.lower()))


def _read_record(record: dict[str, Any], kind: str, result: WebhookResult) -> None:
    if parsing.is_status_record(record):
        update = parsing.status_from_record(record)
        if not update.provider_message_id and update.message_id is None:
            raise MalformedWebhook("a status without id or correlationId")
        result.statuses.append(update)
    elif parsing.is_mo_record(record) or kind in ("mo", "inbound"):
        if not record.get("source"):
            raise MalformedWebhook("an MO without source")
        result.inbound.append(parsing.inbound_from_record(record))
    else:
        raise MalformedWebhook("neither a sent status, a delivery report nor an MO")


def map_lookup_reply(numbers: Sequence[str], data: Any) -> list[CarrierInfo]:
    """Carrier lookup rows, in request order (the reply repeats each queried destination)."""
    rows = data.get("destinations") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise ProviderException(ProviderError(ErrorCode.PROVIDER_ERROR, ErrorClass.RETRYABLE, message="lookup reply without destinations"))
    infos = []
    for position, number in enumerate(numbers):
        row = rows[position] if position < len(rows) and isinstance(rows[position], dict) else None
        if row is None:
            infos.append(CarrierInfo(number=number, valid=False, error="not in Wavy's reply"))
            continue
        carrier = row.get("carrier") if isinstance(row.get("carrier"), dict) else {}
        name = str(carrier.get("name") or "")
        active = bool(row.get("active"))
        infos.append(
            CarrierInfo(
                number=number,
                valid=active,
                carrier="" if name.upper() == "UNKNOWN" else name,
                country=str(carrier.get("countryCode") or ""),
                error="" if active else "not a mobile number of a known carrier",
            )
        )
    return infos
