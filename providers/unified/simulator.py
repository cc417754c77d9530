"""Unified bulk HTTP simulator: ``/bulksms/bulksms`` and ``/bulksms/schedulemsg`` (GET, or a
POST with the same fields), answering ``1701|<destination>|<message_id>`` per destination,
entries joined by commas, or a bare error code for the whole request.

- 1702 missing/blank parameter (or a bad date/time/gmt), 1703 a username or password
  starting "bad", 1725 one starting "nobalance", 1704 a type outside 0-2/5-7, 1708 a dlr
  other than 0/1, 1707 a bad source, 1705 an empty or too long message, ``1706|<dest>``
  for an invalid destination (``outcome_for``). Over ``rate_limit`` requests/s: HTTP 429.
- With dlr=1, one delivery report per accepted destination, POSTed form-encoded in the
  format ``providers.unified.dlr`` documents: messageid, status (DELIVRD, UNDELIV,
  EXPIRED, REJECTD), destination, err, done_date; a scheduled message reports after its
  scheduled time.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from providers.simulator.base import ProviderSimulator, SimRequest, SimResponse, credential_problem, outcome_for

REQUIRED = ("type", "dlr", "destination", "source", "message")
TYPES = {"0", "1", "2", "5", "6", "7"}
MAX_MESSAGE = 1600
DLR_WORDS = {
    "delivered": ("DELIVRD", "000"),
    "undelivered": ("UNDELIV", "001"),
    "expired": ("EXPIRED", "002"),
    "rejected": ("REJECTD", "003"),
}
DATE = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")
TIME = re.compile(r"^(\d{1,2}):(\d{2}) ?(am|pm)$", re.IGNORECASE)
GMT = re.compile(r"^(?:GMT ?)?([+-])(\d{1,2}):(\d{2})$", re.IGNORECASE)


def valid_source(source: str) -> bool:
    numeric = source.removeprefix("+")
    if numeric.isdigit():
        return len(numeric) <= 18
    return 0 < len(source) <= 11 and source.replace(" ", "").isalnum()


def valid_destination(destination: str) -> bool:
    digits = destination.removeprefix("+")
    return digits.isdigit() and 8 <= len(digits) <= 15 and outcome_for(digits) != "invalid"


def scheduled_at(params: dict[str, Any]) -> datetime | None:
    """The moment a schedulemsg request names, None when its date, time or gmt is malformed."""
    date, clock, gmt = (
        DATE.match(str(params.get("date", ""))),
        TIME.match(str(params.get("time", ""))),
        GMT.match(str(params.get("gmt", ""))),
    )
    if not (date and clock and gmt):
        return None
    hour = int(clock.group(1))
    if hour > 12:
        return None
    hour = hour % 12 + (12 if clock.group(3).lower() == "pm" else 0)
    offset = timedelta(hours=int(gmt.group(2)), minutes=int(gmt.group(3))) * (1 if gmt.group(1) == "+" else -1)
    try:
        local = datetime(int(date.group(3)), int(date.group(1)), int(date.group(2)), hour, int(clock.group(2)))
    except ValueError:
        return None
    return (local - offset).replace(tzinfo=UTC)


class Simulator(ProviderSimulator):
    slug = "unified"
    account_credential = "username"

    def handle(self, request: SimRequest) -> SimResponse:
        path = request.path.rstrip("/")
        if path not in ("/bulksms/bulksms", "/bulksms/schedulemsg"):
            return SimResponse.text("404 Not Found", status=404)
        params = request.params()
        if self.over_rate_limit(str(params.get("username", "")), time.monotonic()):
            return SimResponse.text("Too Many Requests", status=429)
        code = self._refusal(params)
        if code:
            return SimResponse.text(code)
        when = None
        if path == "/bulksms/schedulemsg":
            when = scheduled_at(params)
            if when is None:
                return SimResponse.text("1702")
        return SimResponse.text(",".join(self._submit(d.strip(), params, when) for d in str(params["destination"]).split(",") if d.strip()))

    def _refusal(self, params: dict[str, Any]) -> str:
        """The request-level error code, '' when the request may go on."""
        username, password = str(params.get("username", "")), str(params.get("password", ""))
        if not username or not password:
            return "1702"
        problems = {credential_problem(username), credential_problem(password)}
        if "bad_key" in problems:
            return "1703"
        if "no_balance" in problems:
            return "1725"
        if any(not str(params.get(name, "")).strip() for name in REQUIRED):
            return "1702"
        if str(params["type"]) not in TYPES:
            return "1704"
        if str(params["dlr"]) not in ("0", "1"):
            return "1708"
        if not valid_source(str(params["source"])):
            return "1707"
        if len(str(params["message"])) > MAX_MESSAGE:
            return "1705"
        return ""

    def _submit(self, destination: str, params: dict[str, Any], when: datetime | None) -> str:
        if not valid_destination(destination):
            return f"1706|{destination}"
        digits = destination.removeprefix("+")
        message_id = self.next_id()
        self.count_submission(digits)
        if str(params["dlr"]) == "1":
            self._report(str(params["username"]), message_id, digits, when)
        return f"1701|{digits}|{message_id}"

    def _report(self, username: str, message_id: str, destination: str, when: datetime | None) -> None:
        word, err = DLR_WORDS[outcome_for(destination)]
        done = max(when or datetime.now(UTC), datetime.now(UTC))
        body = {
            "messageid": message_id,
            "status": word,
            "destination": destination,
            "err": err,
            "done_date": done.strftime("%Y-%m-%d %H:%M:%S"),
        }
        delay = self.delay + max(0.0, (done - datetime.now(UTC)).total_seconds())
        self.emit(username, urlencode(body), content_type="application/x-www-form-urlencoded", delay=delay)
