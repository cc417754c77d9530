"""VavaSMS simulator: the document's paths (with or without the /api prefix) and replies.

- ``/v1/check/balance``, ``/v1/text/single`` (comma-separated phones, one lot id and a
  message id per phone), ``/v1/text/status`` (by message_id or lot_id), ``/v1/otp/send``
  and ``/v1/otp/verify``; errors 901, 902, 903, 709 and 913 in the document's shapes.
- VavaSMS pushes no delivery reports: the status query answers from memory, "sent" until
  ``delay`` seconds have passed, then the outcome ``outcome_for(phone)`` chose.
- A password or username starting "bad" gets 901; "nobalance" a zero balance and a 709
  "Solde insuffisant" on sends. Over ``rate_limit`` requests/s: HTTP 429.
- Test/demo control: ``POST /_mo`` (username, from, content) emits an MO notification
  (form-encoded ``message_id``, ``form``, ``content``, ``sms_date``) to that account.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from providers.simulator.base import ProviderSimulator, SimRequest, SimResponse, credential_problem, outcome_for

ERRORS: dict[str, tuple[str, str]] = {
    "901": ("INVALID_CREDENTIALS", "Identifiant de connexion incorrect"),
    "902": ("INVALID_SENDER_ID", "Le sender_id n’existe pas"),
    "903": ("INVALID_PHONE_NUMBER", "Le format du numéro de téléphone est invalide"),
    "709": ("EXECUTION_ERROR", "Aucun envoi existe pour ce ID"),
    "913": ("INVALID_OTP", "vavasms.INVALID_OTP"),
}
FINAL_WORDS = {
    "delivered": ("delivered", "Livré"),
    "undelivered": ("undelivered", "Non livré"),
    "expired": ("expired", "Expiré"),
    "rejected": ("rejected", "Rejeté"),
}
BALANCE = 25540
MAX_TEXT = 1530  # ten concatenated GSM-7 parts


def error(code: str, description: str = "") -> SimResponse:
    label, default = ERRORS[code]
    if code in ("709", "913"):  # these two come as {"code": int, "message": ..., "data": []}
        return SimResponse.json({"code": int(code), "message": label, "description": description or default, "data": []})
    return SimResponse.json({"code": code, "status": label, "description": description or default})


def success(data: Any) -> SimResponse:
    return SimResponse.json({"code": 0, "message": "OPERATION_SUCCES", "data": data})


def valid_phone(phone: str) -> bool:
    digits = phone.removeprefix("+")
    return digits.isdigit() and 8 <= len(digits) <= 15 and outcome_for(digits) != "invalid"


def valid_sender(sender: str) -> bool:
    return 3 <= len(sender) <= 11 and sender.replace(" ", "").isalnum()


def today() -> str:
    return datetime.now(UTC).strftime("%Y%m%d")


class Simulator(ProviderSimulator):
    slug = "vavasms"
    account_credential = "username"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._counter = itertools.count(1217000)
        # message id -> (lot id, phone, outcome, monotonic time of submission)
        self.sent: dict[str, tuple[str, str, str, float]] = {}
        self.lots: dict[str, list[str]] = {}
        self.otps: dict[str, tuple[str, float]] = {}  # phone -> (code, expiry as monotonic time)
        self.routes: dict[str, Callable[[dict[str, Any]], SimResponse]] = {
            "/v1/check/balance": self._balance,
            "/v1/text/single": self._send,
            "/v1/text/status": self._status,
            "/v1/otp/send": self._otp_send,
            "/v1/otp/verify": self._otp_verify,
        }

    def handle(self, request: SimRequest) -> SimResponse:
        path = request.path.removeprefix("/api").rstrip("/")
        params = request.params()
        if path == "/_mo":
            return self._emit_mo(params)
        route = self.routes.get(path)
        if route is None:
            return SimResponse.json({"code": 404, "message": "NOT_FOUND", "description": f"no route {path}"}, status=404)
        username, password = str(params.get("username", "")), str(params.get("password", ""))
        if not username or not password or "bad_key" in (credential_problem(username), credential_problem(password)):
            return error("901")
        if self.over_rate_limit(username, time.monotonic()):
            return SimResponse.text("Too Many Requests", status=429)
        params["_no_balance"] = "no_balance" in (credential_problem(username), credential_problem(password))
        return route(params)

    def reset(self) -> None:
        super().reset()
        with self._lock:
            self.sent.clear()
            self.lots.clear()
            self.otps.clear()

    def _id(self, prefix: str) -> str:
        return f"{prefix}-{today()}-{next(self._counter)}"

    # --- routes ------------------------------------------------------------------
    def _balance(self, params: dict[str, Any]) -> SimResponse:
        return success({"amount": 0 if params["_no_balance"] else BALANCE, "currency": "XOF"})

    def _send(self, params: dict[str, Any]) -> SimResponse:
        if not valid_sender(str(params.get("sender_id", ""))):
            return error("902")
        phones = [p.strip() for p in str(params.get("phone", "")).split(",") if p.strip()]
        if not phones or not all(valid_phone(p) for p in phones):
            return error("903")
        text = str(params.get("message", ""))
        if not text or len(text) > MAX_TEXT:
            return error("709", "Le message est vide ou trop long")
        if params["_no_balance"]:
            return error("709", "Solde insuffisant")
        lot_id = self._id("LOT")
        ids = [self._record(lot_id, phone.removeprefix("+")) for phone in phones]
        with self._lock:
            self.lots[lot_id] = ids
        return success({"lot_id": lot_id, "description": "Message envoyé avec succès", "message_id": ids})

    def _record(self, lot_id: str, phone: str) -> str:
        message_id = self._id("SM")
        self.count_submission(phone)
        with self._lock:
            self.sent[message_id] = (lot_id, phone, outcome_for(phone), time.monotonic())
        return message_id

    def _status(self, params: dict[str, Any]) -> SimResponse:
        message_id, lot_id = str(params.get("message_id", "")), str(params.get("lot_id", ""))
        ids = [message_id] if message_id else self.lots.get(lot_id, [])
        entries = [self._entry(i) for i in ids if i in self.sent]
        if not entries:
            return error("709")
        return success(entries)

    def _entry(self, message_id: str) -> dict[str, str]:
        lot_id, _phone, outcome, at = self.sent[message_id]
        word, description = ("sent", "Envoyé") if time.monotonic() - at < self.delay else FINAL_WORDS[outcome]
        return {"lot_id": lot_id, "message_id": message_id, "status": word, "description": description}

    def _otp_send(self, params: dict[str, Any]) -> SimResponse:
        if not valid_sender(str(params.get("sender_id", ""))):
            return error("902")
        phone = str(params.get("phone", "")).removeprefix("+")
        if not valid_phone(phone):
            return error("903")
        length = int(params.get("otp_length") or 4) if str(params.get("otp_length") or "4").isdigit() else 0
        message = str(params.get("message") or "Votre code OTP est : ##OTP##")
        if not 4 <= length <= 9 or "##OTP##" not in message:
            return error("709", "otp_length doit être entre 4 et 9 et le message doit contenir ##OTP##")
        expiry = str(params.get("otp_expiry") or "60")
        minutes = int(expiry) if expiry.isdigit() else 60
        code = "".join(str(self.rng.randrange(10)) for _ in range(length))
        with self._lock:
            self.otps[phone] = (code, time.monotonic() + minutes * 60)
        self.count_submission(phone)
        return success({"message_id": self._id("OTP"), "description": "OTP envoyé avec succès"})

    def _otp_verify(self, params: dict[str, Any]) -> SimResponse:
        phone = str(params.get("phone", "")).removeprefix("+")
        with self._lock:
            code, expires = self.otps.get(phone, ("", 0.0))
            matched = bool(code) and str(params.get("otp", "")).strip() == code and time.monotonic() < expires
            if matched:
                del self.otps[phone]
        if not matched:
            return error("913")
        return success({"message_id": self._id("OTP"), "status": "success"})

    def _emit_mo(self, params: dict[str, Any]) -> SimResponse:
        message_id = self._id("MO")
        body = {
            "message_id": message_id,
            "form": str(params.get("from", "")),
            "content": str(params.get("content", "")),
            "sms_date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S"),
        }
        queued = self.emit(str(params.get("username", "")), urlencode(body), content_type="application/x-www-form-urlencoded")
        return SimResponse.json({"queued": queued, "message_id": message_id})
