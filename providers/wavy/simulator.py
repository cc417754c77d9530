"""A local Wavy: the document's HTTPS paths under /wavy/, its reply shapes and its webhooks.

Where the document is silent the simulator picks a shape and the backend reads it:
- error bodies are ``{"errorCode": ..., "errorMessage": ...}`` with the HTTP status the
  document lists (400, 401, 403, 429);
- a destination refused at submission (``outcome_for`` says "invalid") answers HTTP 400
  with errorCode 202 (INVALID_DESTINATION_NUMBER) on send-sms, and an item
  ``{"destination", "correlationId", "errorCode": 202, "errorMessage"}`` in its place in a
  send-bulk-sms reply (the other items keep their order);
- a token starting "bad" answers 401; "nobalance" answers 403 with errorCode 201 (NO_CREDIT).
Status search and list answer ``{"smsStatuses": [rows]}`` (the document prints only the row
fields; that wrapper is what Wavy answered in production; ``status_wrapper = ""`` answers a
bare list), and allow 1 request per second per IP (the document's limit): a second status
query less than a second after the previous one answers 429.
Every accepted message gets a sent-status callback (kind "callback") and, when it reached
the carrier, a delivery report (kind "dlr"), one JSON object each as the document shows
(``webhook_batch`` > 1 groups them into JSON lists). ``inject_mo`` or POST /wavy/_sim/mo
makes a handset reply: it is pushed (kind "mo") and listed by the MO endpoints."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from providers.simulator.base import (
    OutgoingWebhook,
    ProviderSimulator,
    SimRequest,
    SimResponse,
    credential_problem,
    operator_for,
    outcome_for,
)

MAX_BULK = 1000
MAX_TEXT = 1280
CARRIERS = ((1, "VIVO"), (2, "CLARO"), (5, "TIM"), (3, "OI"))  # Brazilian numbers (Wavy's home market)
# Other countries' carriers as Wavy would name them (upper case, its own ids).
FOREIGN_CARRIERS = {"Jazz": (9201, "JAZZ"), "Zong": (9202, "ZONG"), "Ufone": (9203, "UFONE"), "Telenor": (9204, "TELENOR")}

# outcome_for(...) -> (sentStatusCode, sentStatus, deliveredStatusCode, deliveredStatus)
OUTCOMES: dict[str, tuple[int, str, int | None, str]] = {
    "delivered": (2, "SENT_SUCCESS", 4, "DELIVERED_SUCCESS"),
    "undelivered": (2, "SENT_SUCCESS", 104, "NOT_DELIVERED"),
    "expired": (101, "EXPIRED", None, ""),
    "rejected": (103, "REJECTED_BY_CARRIER", None, ""),
}


@dataclass(slots=True)
class SimMessage:
    id: str
    correlation_id: str
    destination: str
    outcome: str
    at_ms: int
    extra_info: str = ""


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _error(status: int, code: int, message: str, **headers: str) -> SimResponse:
    return SimResponse.json({"errorCode": code, "errorMessage": message}, status=status, **headers)


class Simulator(ProviderSimulator):
    slug = "wavy"
    account_credential = "username"
    webhook_batch = 1  # webhooks per POST; the document shows one object per POST
    status_wrapper = "smsStatuses"
    status_query_interval = 1.0  # "1 request per second per IP address"
    clock = staticmethod(time.time)  # tests fix it to hit the rate limit deterministically

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.messages: dict[str, SimMessage] = {}
        self.by_correlation: dict[tuple[str, str], str] = {}  # (username, correlationId) -> id
        self.owner: dict[str, str] = {}  # message id -> username
        self.unlisted: dict[str, list[str]] = {}  # username -> ids not yet returned by status/list
        self.mos: dict[str, list[dict[str, Any]]] = {}  # username -> MOs
        self.mo_cursor: dict[str, int] = {}  # username -> MOs already returned by receive/list
        self.status_queries: list[tuple[float, int]] = []  # (clock, HTTP status) of each status query

    # --- routing ---------------------------------------------------------------
    def handle(self, request: SimRequest) -> SimResponse:
        path = request.path.rstrip("/")
        if path == "/_sim/mo" and request.method == "POST":
            return self._inject_from_request(request)
        routes = {
            "/v1/send-sms": self._send_single,
            "/v1/send-bulk-sms": self._send_bulk,
            "/v1/sms/status/search": self._status_search,
            "/v1/sms/status/list": self._status_list,
            "/v1/sms/receive/list": self._mo_list,
            "/v1/sms/receive/search": self._mo_search,
            "/v1/carrier/lookup": self._carrier_lookup,
        }
        route = routes.get(path)
        if route is None:
            return _error(404, 404, "Not Found")
        username = request.headers.get("username", "")
        refused = self._refuse(username, request.headers.get("authenticationtoken", ""), path)
        if refused is not None:
            return refused
        return route(request, username)

    def _refuse(self, username: str, token: str, path: str) -> SimResponse | None:
        if not username or not token:
            return _error(401, 401, "Unauthorized: username and authenticationtoken headers are required")
        problems = {credential_problem(username), credential_problem(token)}
        if "bad_key" in problems:
            return _error(401, 401, "Unauthorized: invalid username or authentication token")
        if self.over_rate_limit(username, self.clock()):
            return _error(429, 429, "Too Many Requests", **{"Retry-After": "1"})
        if path.startswith("/v1/sms/status/") and not self._status_query_allowed():
            return _error(429, 429, "Too Many Requests: status queries are limited to 1 per second", **{"Retry-After": "1"})
        if "no_balance" in problems and path.startswith("/v1/send"):
            return _error(403, 201, "NO_CREDIT: the message limit or prepaid credit of this subaccount ran out")
        return None

    # --- sending ----------------------------------------------------------------
    def _send_single(self, request: SimRequest, username: str) -> SimResponse:
        try:
            fields = request.params() if request.method == "GET" else request.json()
        except ValueError:
            return _error(400, 400, "Bad Request: body is not JSON")
        if not isinstance(fields, dict):
            return _error(400, 400, "Bad Request: expected a JSON object")
        problem = self._invalid(fields)
        if problem is not None:
            code, text = problem
            return _error(400, code, text)
        urls = self._webhook_urls(username)  # before accepting: a resolver failure must leave nothing counted
        message = self._accept(username, fields)
        self._report(urls, [message])
        return SimResponse.json([{"id": message.id, "correlationId": message.correlation_id or None}])

    def _send_bulk(self, request: SimRequest, username: str) -> SimResponse:
        try:
            body = request.json()
        except ValueError:
            return _error(400, 400, "Bad Request: body is not JSON")
        items = body.get("messages") if isinstance(body, dict) else None
        if not isinstance(items, list) or not items:
            return _error(400, 400, "Bad Request: messages must be a non-empty list")
        if len(items) > MAX_BULK:
            return _error(400, 400, f"Bad Request: there is a {MAX_BULK}-message limit per request ({len(items)} sent)")
        defaults = body.get("defaultValues") if isinstance(body.get("defaultValues"), dict) else {}
        urls = self._webhook_urls(username)  # before accepting: a resolver failure must leave nothing counted
        replies, accepted = [], []
        for item in items:
            fields = {**defaults, **item} if isinstance(item, dict) else {}
            problem = self._invalid(fields)
            if problem is not None:
                code, text = problem
                replies.append(
                    {
                        "destination": fields.get("destination"),
                        "correlationId": fields.get("correlationId"),
                        "errorCode": code,
                        "errorMessage": text,
                    }
                )
                continue
            message = self._accept(username, fields)
            accepted.append(message)
            replies.append({"id": message.id})
        self._report(urls, accepted)
        return SimResponse.json({"id": self._uuid(), "messages": replies})

    @staticmethod
    def _invalid(fields: dict[str, Any]) -> tuple[int, str] | None:
        destination = str(fields.get("destination") or "")
        text = fields.get("messageText")
        if not destination.isdigit() or not 8 <= len(destination) <= 15 or outcome_for(destination) == "invalid":
            return 202, "INVALID_DESTINATION_NUMBER"
        if not isinstance(text, str) or not text:
            return 400, "Bad Request: messageText is required"
        if len(text) > MAX_TEXT:
            return 400, f"Bad Request: messageText exceeds {MAX_TEXT} characters"
        if len(str(fields.get("correlationId") or "")) > 64:
            return 400, "Bad Request: correlationId exceeds 64 characters"
        return None

    def _accept(self, username: str, fields: dict[str, Any]) -> SimMessage:
        destination = str(fields["destination"])
        message = SimMessage(
            id=self._uuid(),
            correlation_id=str(fields.get("correlationId") or ""),
            destination=destination,
            outcome=outcome_for(destination),
            at_ms=int(time.time() * 1000),
            extra_info=str(fields.get("extraInfo") or ""),
        )
        self.count_submission(destination)
        with self._lock:
            self.messages[message.id] = message
            self.owner[message.id] = username
            if message.correlation_id:
                self.by_correlation[(username, message.correlation_id)] = message.id
            self.unlisted.setdefault(username, []).append(message.id)
        return message

    def _uuid(self) -> str:
        raw = self.next_id().rjust(32, "0")[-32:]
        return f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:]}"

    # --- webhooks ---------------------------------------------------------------
    def _webhook_urls(self, username: str) -> tuple[str | None, str | None]:
        """The account's (callback URL, delivery report URL)."""
        return self.resolve_webhook(self.slug, username, "callback"), self.resolve_webhook(self.slug, username, "dlr")

    def _report(self, urls: tuple[str | None, str | None], messages: list[SimMessage]) -> None:
        """Queue the sent-status callback of each message, then its delivery report."""
        if not messages:
            return
        callback_url, dlr_url = urls
        callbacks = [self.status_record(m, level="sent") for m in messages] if callback_url else []
        dlrs = [self.status_record(m, level="delivered") for m in messages if OUTCOMES[m.outcome][2] is not None] if dlr_url else []
        hooks = self._hooks(callback_url, callbacks, self.delay) + self._hooks(dlr_url, dlrs, self.delay * 2)
        with self._lock:
            self.outbox.extend(hooks)

    def _hooks(self, url: str | None, records: list[dict[str, Any]], delay: float) -> list[OutgoingWebhook]:
        if not url or not records:
            return []
        if self.webhook_batch <= 1:
            return [OutgoingWebhook(url, json.dumps(r).encode(), delay=delay) for r in records]
        size = self.webhook_batch
        return [OutgoingWebhook(url, json.dumps(records[i : i + size]).encode(), delay=delay) for i in range(0, len(records), size)]

    def status_record(self, message: SimMessage, *, level: str = "delivered") -> dict[str, Any]:
        """The document's callback (level "sent") or delivery report / status row (level "delivered")."""
        sent_code, sent_word, delivered_code, delivered_word = OUTCOMES[message.outcome]
        carrier_id, carrier = self._carrier(message.destination)
        record: dict[str, Any] = {
            "id": message.id,
            "correlationId": message.correlation_id,
            "carrierId": carrier_id,
            "carrierName": carrier,
            "destination": message.destination,
            "sentStatusCode": sent_code,
            "sentStatus": sent_word,
            "extraInfo": message.extra_info,
        }
        if level == "sent":
            record.update(sentAt=message.at_ms, sentDate=_iso(message.at_ms))
            return record
        record.update(sentStatusAt=message.at_ms, sentStatusDate=_iso(message.at_ms))
        if delivered_code is not None:
            delivered_ms = message.at_ms + 2000
            record.update(
                deliveredStatusCode=delivered_code,
                deliveredStatus=delivered_word,
                deliveredAt=delivered_ms,
                deliveredDate=_iso(delivered_ms),
            )
        return record

    @staticmethod
    def _carrier(destination: str) -> tuple[int, str]:
        operator = operator_for(destination)
        if operator:
            return FOREIGN_CARRIERS[operator]
        return CARRIERS[sum(map(int, destination[-3:])) % len(CARRIERS)] if destination[-3:].isdigit() else CARRIERS[0]

    @classmethod
    def network_name(cls, number: str) -> str:
        return cls._carrier(number.lstrip("+"))[1]

    # --- statuses ---------------------------------------------------------------
    def _status_query_allowed(self) -> bool:
        """One status query per interval from this (the only) IP; refused ones count too."""
        now = self.clock()
        with self._lock:
            allowed = not self.status_queries or now - self.status_queries[-1][0] >= self.status_query_interval
            self.status_queries.append((now, 200 if allowed else 429))
        return allowed

    def _status_reply(self, rows: list[dict[str, Any]]) -> SimResponse:
        return SimResponse.json({self.status_wrapper: rows} if self.status_wrapper else rows)

    def _status_search(self, request: SimRequest, username: str) -> SimResponse:
        try:
            body = request.json()
        except ValueError:
            return _error(400, 400, "Bad Request: body is not JSON")
        if not isinstance(body, dict):
            return _error(400, 400, "Bad Request: expected ids and/or correlationIds")
        wanted: list[str] = []
        for raw in body.get("ids") or []:
            if self.owner.get(str(raw).lower()) == username:
                wanted.append(str(raw).lower())
        for raw in body.get("correlationIds") or []:
            found = self.by_correlation.get((username, str(raw)))
            if found:
                wanted.append(found)
        seen: set[str] = set()
        rows = [self.status_record(self.messages[i]) for i in wanted if not (i in seen or seen.add(i))]
        return self._status_reply(rows)

    def _status_list(self, request: SimRequest, username: str) -> SimResponse:
        with self._lock:
            pending = self.unlisted.get(username, [])
            batch, self.unlisted[username] = pending[:MAX_BULK], pending[MAX_BULK:]
        return self._status_reply([self.status_record(self.messages[i]) for i in batch])

    # --- MOs --------------------------------------------------------------------
    def inject_mo(self, username: str, source: str, text: str, *, short_code: str = "28128", reply_to: str = "") -> dict[str, Any]:
        """A handset answers: store the MO and push it to the account's MO URL."""
        now_ms = int(time.time() * 1000)
        mt = self.messages.get(reply_to) or (self.messages.get(self.by_correlation.get((username, reply_to), "")) if reply_to else None)
        mo = {
            "id": self._uuid(),
            "subAccount": "",
            "carrierId": self._carrier(source)[0],
            "carrierName": self._carrier(source)[1],
            "source": source,
            "shortCode": short_code,
            "messageText": text,
            "receivedAt": now_ms,
            "receivedDate": _iso(now_ms),
            "mt": {"id": mt.id, "correlationId": mt.correlation_id, "username": username} if mt else None,
        }
        with self._lock:
            self.mos.setdefault(username, []).append(mo)
        self.emit(username, mo, kind="mo")
        return mo

    def _inject_from_request(self, request: SimRequest) -> SimResponse:
        fields = request.params()
        if not fields.get("username") or not fields.get("source"):
            return _error(400, 400, "username and source are required")
        mo = self.inject_mo(
            str(fields["username"]),
            str(fields["source"]),
            str(fields.get("messageText", "")),
            reply_to=str(fields.get("correlationId", "")),
        )
        return SimResponse.json(mo)

    def _mo_list(self, request: SimRequest, username: str) -> SimResponse:
        with self._lock:
            mos = self.mos.get(username, [])
            start = self.mo_cursor.get(username, 0)
            batch = mos[start : start + MAX_BULK]
            self.mo_cursor[username] = start + len(batch)
        return SimResponse.json(self._mo_page(batch, None, None))

    def _mo_search(self, request: SimRequest, username: str) -> SimResponse:
        now = datetime.now(UTC)
        raw_start, raw_end = request.query.get("start"), request.query.get("end")
        start, end = _query_time(raw_start), _query_time(raw_end)
        if (raw_start and start is None) or (raw_end and end is None):
            return _error(400, 400, "Bad Request: start and end use ISO-8601")
        start, end = start or now - timedelta(days=5), end or now
        start = max(start, now - timedelta(days=5))
        low, high = start.timestamp() * 1000, end.timestamp() * 1000
        batch = [mo for mo in self.mos.get(username, []) if low <= mo["receivedAt"] <= high][:MAX_BULK]
        return SimResponse.json(self._mo_page(batch, start, end))

    @staticmethod
    def _mo_page(batch: list[dict[str, Any]], start: datetime | None, end: datetime | None) -> dict[str, Any]:
        fmt = "%Y-%m-%dT%H:%M:%SZ"
        now = datetime.now(UTC)
        return {
            "total": len(batch),
            "start": (start or now - timedelta(days=3)).strftime(fmt),
            "end": (end or now).strftime(fmt),
            "messages": batch,
        }

    # --- lookup -----------------------------------------------------------------
    def _carrier_lookup(self, request: SimRequest, username: str) -> SimResponse:
        try:
            body = request.json()
        except ValueError:
            return _error(400, 400, "Bad Request: body is not JSON")
        numbers = body.get("destinations") if isinstance(body, dict) else None
        if not isinstance(numbers, list) or not numbers:
            return _error(400, 400, "Bad Request: destinations must be a non-empty list")
        rows = []
        for raw in numbers:
            digits = "".join(ch for ch in str(raw) if ch.isdigit())
            if len(digits) < 10 or outcome_for(digits) == "invalid":
                rows.append({"destination": digits, "active": False, "carrier": {"name": "UNKNOWN"}})
            else:
                country = "BR" if digits.startswith("55") else ""
                rows.append({"destination": digits, "active": True, "carrier": {"name": self._carrier(digits)[1], "countryCode": country}})
        return SimResponse.json({"id": self._uuid(), "destinations": rows})

    def reset(self) -> None:
        super().reset()
        with self._lock:
            self.messages.clear()
            self.by_correlation.clear()
            self.owner.clear()
            self.unlisted.clear()
            self.mos.clear()
            self.mo_cursor.clear()
            self.status_queries.clear()


def _query_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
