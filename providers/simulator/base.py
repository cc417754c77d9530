"""The simulator contract: a pure request -> response handler plus an outbox of webhooks.

Handlers do no I/O, so the same simulator serves the HTTP server, an in-process httpx
transport in tests, and the benchmark.

Outcomes are chosen from the destination number so tests and demos are repeatable:
``outcome_for(number)`` (see its table) decides what the delivery report will say, and
credentials whose value starts with ``bad`` are refused as an invalid key, ``nobalance``
as an empty balance."""

from __future__ import annotations

import json
import random
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import parse_qsl

# Last digit(s) of the destination -> what happens (the rest are delivered).
OUTCOME_TABLE = {
    "9": "undelivered",
    "8": "expired",
    "7": "rejected",
}
# Destinations ending in these four digits are refused at submission as invalid.
INVALID_SUFFIX = "0000"
# Pakistan's mobile operators by the two digits after +92 (03xx numbering): Jazz (with the
# former Warid 032x), Zong, Ufone and Telenor. Simulators report these for +92 numbers.
PK_OPERATORS = {"30": "Jazz", "31": "Zong", "32": "Jazz", "33": "Ufone", "34": "Telenor"}


def outcome_for(number: str) -> str:
    """delivered | undelivered | expired | rejected | invalid, from the number's last digits.

    Numbers whose second-last digit is 1 always deliver, so a demo can mix."""
    digits = "".join(ch for ch in number if ch.isdigit())
    if digits.endswith(INVALID_SUFFIX):
        return "invalid"
    if len(digits) >= 2 and digits[-2] == "1":
        return "delivered"
    return OUTCOME_TABLE.get(digits[-1:], "delivered")


def operator_for(number: str) -> str:
    """The mobile operator of a Pakistani number ('Jazz', 'Zong', 'Ufone', 'Telenor'); '' elsewhere."""
    digits = "".join(ch for ch in number if ch.isdigit())
    return PK_OPERATORS.get(digits[2:4], "") if digits.startswith("92") and len(digits) >= 12 else ""


def credential_problem(value: str) -> str:
    """'' when a credential is fine, else 'bad_key' or 'no_balance'."""
    if value.startswith("bad"):
        return "bad_key"
    if value.startswith("nobalance"):
        return "no_balance"
    return ""


@dataclass
class SimRequest:
    method: str
    path: str  # below the provider prefix, always starting with "/"
    query: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    body: bytes = b""

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    def json(self) -> Any:
        """The JSON body; raises ValueError when it is not JSON."""
        return json.loads(self.body or b"null")

    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True))

    def params(self) -> dict[str, Any]:
        """Query, form or JSON object fields merged, as many APIs accept any of them."""
        merged: dict[str, Any] = dict(self.query)
        if "json" in self.content_type or self.body[:1] in (b"{",):
            try:
                data = self.json()
            except ValueError:
                data = None
            if isinstance(data, dict):
                merged.update(data)
        elif "form" in self.content_type:
            merged.update(self.form())
        return merged


@dataclass
class SimResponse:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, data: Any, status: int = 200, **headers: str) -> SimResponse:
        return cls(status, json.dumps(data).encode(), "application/json", headers)

    @classmethod
    def text(cls, text: str, status: int = 200, content_type: str = "text/plain") -> SimResponse:
        return cls(status, text.encode(), content_type)


@dataclass
class OutgoingWebhook:
    url: str
    body: bytes
    content_type: str = "application/json"
    method: str = "POST"
    delay: float = 0.5  # seconds after the request that caused it


# resolve(provider slug, credential value, kind) -> the connection's webhook URL or None
WebhookResolver = Callable[[str, str, str], "str | None"]


class ProviderSimulator:
    slug: ClassVar[str]
    # Which credential identifies the customer account (to find its webhook URL).
    account_credential: ClassVar[str] = ""

    def __init__(
        self, resolve_webhook: WebhookResolver | None = None, *, seed: int | None = None, delay: float = 0.5, rate_limit: int = 0
    ) -> None:
        self.resolve_webhook = resolve_webhook or (lambda slug, value, kind: None)
        self.rng = random.Random(seed)
        self.delay = delay
        self.rate_limit = rate_limit  # requests per second per account; 0 = none
        self.outbox: list[OutgoingWebhook] = []
        self.submissions: Counter[str] = Counter()  # destination -> accepted submissions
        self.requests = 0
        self._lock = threading.Lock()
        self._window: dict[str, tuple[int, int]] = {}
        self._next_id = 0

    # --- to implement ---------------------------------------------------------
    def handle(self, request: SimRequest) -> SimResponse:
        raise NotImplementedError

    @classmethod
    def network_name(cls, number: str) -> str:
        """The network this provider reports for a number, in its own words (seed data uses it)."""
        return operator_for(number)

    # --- helpers for subclasses -----------------------------------------------
    def next_id(self, prefix: str = "") -> str:
        with self._lock:
            self._next_id += 1
            return f"{prefix}{self._next_id:08x}{self.rng.randrange(16**4):04x}"

    def count_submission(self, destination: str) -> None:
        with self._lock:
            self.submissions[destination] += 1

    def emit(
        self,
        account_value: str,
        body: bytes | str | dict,
        *,
        kind: str = "",
        content_type: str = "application/json",
        method: str = "POST",
        delay: float | None = None,
    ) -> bool:
        """Queue a webhook to the account's URL; False when no URL is known for it."""
        url = self.resolve_webhook(self.slug, account_value, kind)
        if not url:
            return False
        if isinstance(body, dict | list):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode()
        with self._lock:
            self.outbox.append(OutgoingWebhook(url, body, content_type, method, self.delay if delay is None else delay))
        return True

    def drain(self) -> list[OutgoingWebhook]:
        with self._lock:
            out, self.outbox = self.outbox, []
        return out

    def over_rate_limit(self, account_value: str, now: float) -> bool:
        """A fixed one-second window per account, when rate_limit is set."""
        if not self.rate_limit:
            return False
        second = int(now)
        with self._lock:
            window, count = self._window.get(account_value, (second, 0))
            if window != second:
                window, count = second, 0
            count += 1
            self._window[account_value] = (window, count)
        return count > self.rate_limit

    def stats(self) -> dict[str, Any]:
        with self._lock:
            dup = {k: v for k, v in self.submissions.items() if v > 1}
            return {
                "requests": self.requests,
                "submissions": sum(self.submissions.values()),
                "destinations": len(self.submissions),
                "duplicates": dup,
            }

    def reset(self) -> None:
        with self._lock:
            self.submissions.clear()
            self.requests = 0
            self.outbox.clear()
