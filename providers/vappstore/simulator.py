"""A V-Appstore (TAP) simulator: the document's paths under /vappstore/, its JSON shapes,
and the platform's statusCodes for failures.

Behaviour, so tests and the demo are predictable:
- applicationId or password starting "bad" -> E1313 (authentication failure);
  "nobalance" -> E1326 for sms/ussd, E1378 for CaaS OTP.
- sms/send: each destination is answered in ``destinationResponses`` (address, requestId,
  statusCode); a number refused by ``outcome_for`` (…0000) or not "tel:<digits>" gets E1325.
  Every accepted one is counted and, with deliveryStatusRequest "1", gets an sms/report
  (kind "report") whose deliveryStatus follows ``outcome_for``.
- ussd/send: mt-init opens a session, mt-cont continues it (E1312 when it is not open),
  mt-fin closes it (on a new session: a one-screen push). After mt-init and mt-cont the
  "user" answers with a ussd/receive mo-cont (kind "ussd"): the menu's
  option at position (last digit of the number mod the number of options), or the last
  two digits when the screen lists no options. Numbers whose outcome is "expired" never
  answer (the user walked away). Only a session's first screen counts as a submission.
- caas/otpGeneration answers P1003; the OTP is always the LAST SIX DIGITS OF THE NUMBER.
  caas/otpVerify: a wrong OTP -> E1337, unknown reference -> E1370, reused -> E1379; on
  success it posts a chargingNotification (kind "charging").
- subscription/userSubscription registers / unregisters (E1351 when already registered)
  and posts a subscription/notify (kind "subscription").
- Demo helpers (not part of the API): POST /_user/sms {"applicationId","from","message"}
  posts an sms/receive as if a subscriber texted the app; POST /_user/ussd
  {"applicationId","from","message"} posts a ussd/receive mo-init (dialled service code).
- ``rate_limit`` requests/second per applicationId -> HTTP 429 with E1318 (the platform's
  throughput throttle; the document itself names none).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from providers.simulator.base import ProviderSimulator, SimRequest, SimResponse, credential_problem, outcome_for

OK = {"statusCode": "S1000", "statusDetail": "Success."}
ERRORS = {
    "E1312": "Invalid request",
    "E1313": "Authentication failure. There is no active application, or no active service provider or given password in the request is invalid.",
    "E1318": "Sorry, the application is temporarily unavailable. Please try again later.",
    "E1325": "Format of the address is invalid",
    "E1326": "Sorry, your SMS could not be processed. Please check if you have sufficient balance and try again.",
    "E1334": "Message length is too long. Maximum message length is 1600",
    "E1337": "Subscriber authentication by charging gateway failed.",
    "E1341": "Delivery failed. Errors occurred while sending the request for the intended destinations",
    "E1351": "User already registered",
    "E1370": "Invalid reservation Id.",
    "E1378": "Insufficient balance.",
    "E1379": "Transaction has already completed.",
    "E1380": "Transaction currency not supported.",
    "E1606": "Invalid charging amount",
}
REPORT_WORDS = {"delivered": "DELIVERED", "undelivered": "UNDELIVERABLE", "expired": "EXPIRED", "rejected": "REJECTED"}
MAX_LENGTH = 1600
TEL = re.compile(r"^tel:\s*\+?(\d{7,15})$", re.IGNORECASE)
OPTION = re.compile(r"^\s*(\d+)[.)]", re.MULTILINE)


def tap_error(code: str, status: int = 200, **extra: Any) -> SimResponse:
    return SimResponse.json({"version": "1.0", "statusCode": code, "statusDetail": ERRORS.get(code, "Invalid request"), **extra}, status)


def number_of(address: Any) -> str:
    """ "tel:6792870940" -> "6792870940"; "" when it is not a tel: MSISDN."""
    match = TEL.match(str(address or "").strip())
    return match.group(1) if match else ""


def now_stamp() -> str:
    return time.strftime("%Y%m%d%H%M%S")


def ussd_answer(menu: str, number: str) -> str:
    """What the simulated user types: an offered option chosen by the number's last digit."""
    options = OPTION.findall(menu or "")
    if not options:
        return number[-2:]
    return options[int(number[-1]) % len(options)]


@dataclass
class PendingOtp:
    number: str
    otp: str
    amount: str
    external_trx_id: str
    internal_trx_id: str
    application_id: str
    done: bool = False


class Simulator(ProviderSimulator):
    slug = "vappstore"
    account_credential = "applicationId"
    routes: ClassVar[dict[str, str]] = {
        "/sms/send": "sms_send",
        "/ussd/send": "ussd_send",
        "/caas/otpGeneration": "otp_generation",
        "/caas/otpVerify": "otp_verify",
        "/subscription/userSubscription": "user_subscription",
        "/_user/sms": "demo_user_sms",
        "/_user/ussd": "demo_user_ussd",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sessions: dict[str, str] = {}  # open USSD sessionId -> number
        self.otps: dict[str, PendingOtp] = {}  # requestCorrelator -> pending charge
        self.subscribers: set[tuple[str, str]] = set()  # (applicationId, number)

    def handle(self, request: SimRequest) -> SimResponse:
        name = self.routes.get(request.path.rstrip("/"))
        if name is None:
            return tap_error("E1312", 404)
        if request.method != "POST":
            return tap_error("E1312", 405)
        try:
            body = request.json()
        except ValueError:
            return tap_error("E1312", 400)
        if not isinstance(body, dict):
            return tap_error("E1312", 400)
        if name.startswith("demo_"):
            return getattr(self, name)(body)
        refusal = self._check_account(body, charging=name.startswith("otp"))
        return refusal or getattr(self, name)(body)

    def _check_account(self, body: dict[str, Any], *, charging: bool) -> SimResponse | None:
        app, password = str(body.get("applicationId") or ""), str(body.get("password") or "")
        if not app or not password:
            return tap_error("E1313")
        if self.over_rate_limit(app, time.time()):
            return SimResponse(429, tap_error("E1318").body, "application/json", {"Retry-After": "1"})
        problems = {credential_problem(app), credential_problem(password)}
        if "bad_key" in problems:
            return tap_error("E1313")
        if "no_balance" in problems:
            return tap_error("E1378" if charging else "E1326")
        return None

    # --- SMS ---------------------------------------------------------------
    def sms_send(self, body: dict[str, Any]) -> SimResponse:
        message, encoding = body.get("message"), str(body.get("encoding") or "0")
        addresses = body.get("destinationAddresses")
        if not isinstance(message, str) or not message or not isinstance(addresses, list) or not addresses:
            return tap_error("E1312")
        if encoding not in ("0", "240", "245") or (encoding == "245" and not _is_hex(message)):
            return tap_error("E1312")
        if len(message) > MAX_LENGTH:
            return tap_error("E1334")
        app, report = str(body["applicationId"]), str(body.get("deliveryStatusRequest") or "0") == "1"
        responses = [self._sms_destination(app, address, report) for address in addresses]
        accepted = [r for r in responses if r["statusCode"] == "S1000"]
        top = dict(OK) if accepted else {"statusCode": "E1341", "statusDetail": ERRORS["E1341"]}
        return SimResponse.json({"version": "1.0", "requestId": self.next_id("1019"), "destinationResponses": responses, **top})

    def _sms_destination(self, app: str, address: Any, report: bool) -> dict[str, Any]:
        number = number_of(address)
        stamp = now_stamp()
        if not number or outcome_for(number) == "invalid":
            return {"address": str(address), "timeStamp": stamp, "requestId": "", "statusCode": "E1325", "statusDetail": ERRORS["E1325"]}
        request_id = self.next_id("MSG")
        if report:
            word = REPORT_WORDS[outcome_for(number)]
            dlr = {"destinationAddress": f"tel:{number}", "timeStamp": stamp, "requestId": request_id, "deliveryStatus": word}
            self.emit(app, dlr, kind="report")
        self.count_submission(f"+{number}")
        return {"address": f"tel:{number}", "timeStamp": stamp, "requestId": request_id, **OK}

    # --- USSD --------------------------------------------------------------
    def ussd_send(self, body: dict[str, Any]) -> SimResponse:
        op, session, text = str(body.get("ussdOperation") or ""), str(body.get("sessionId") or ""), body.get("message")
        number = number_of(body.get("destinationAddress"))
        if op not in ("mt-init", "mt-cont", "mt-fin") or not session or not isinstance(text, str):
            return tap_error("E1312")
        if not number or outcome_for(number) == "invalid":
            return tap_error("E1325")
        opened = self.sessions.get(session)
        if op == "mt-cont" and opened != number:
            return tap_error("E1312")  # no such open session for this subscriber
        if opened is None:  # mt-init, or an mt-fin that is a one-screen push
            self.count_submission(f"+{number}")
        self._advance_session(str(body["applicationId"]), op, session, number, text)
        return SimResponse.json({"version": "1.0", "requestId": self.next_id("1019"), "timeStamp": now_stamp(), **OK})

    def _advance_session(self, app: str, op: str, session: str, number: str, text: str) -> None:
        if op == "mt-fin":
            self.sessions.pop(session, None)
            return
        self.sessions[session] = number
        if outcome_for(number) == "expired":
            return  # this user never answers
        self.emit(app, self._ussd_receive(app, session, number, ussd_answer(text, number), "mo-cont"), kind="ussd")

    def _ussd_receive(self, app: str, session: str, number: str, message: str, op: str) -> dict[str, Any]:
        return {
            "version": "1.0",
            "applicationId": app,
            "message": message,
            "requestId": self.next_id(""),
            "sessionId": session,
            "ussdOperation": op,
            "sourceAddress": f"tel:{number}",
            "vlrAddress": f"tel:{number}",
            "encoding": "440",
        }

    # --- CaaS OTP ----------------------------------------------------------
    def otp_generation(self, body: dict[str, Any]) -> SimResponse:
        number = number_of(body.get("subscriberId"))
        trx = str(body.get("externalTrxId") or "")
        if not trx or not body.get("paymentInstrumentName"):
            return tap_error("E1312")
        if str(body.get("Currency") or body.get("currency") or "") != "FJD":
            return tap_error("E1380")
        amount = _positive_amount(body.get("amount"))
        if amount is None:
            return tap_error("E1606")
        if not number or outcome_for(number) == "invalid":
            return tap_error("E1325")
        correlator = f"{number}{int(time.time() * 1000)}{self.next_id('')[-6:]}"
        internal = self.next_id("911")
        self.otps[correlator] = PendingOtp(number, number[-6:], amount, trx, internal, str(body["applicationId"]))
        return SimResponse.json(
            {
                "timeStamp": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
                "externalTrxId": trx,
                "statusDetail": "Request successfully proceed. OTP will send to user.",
                "requestCorrelator": correlator,
                "internalTrxId": internal,
                "statusCode": "P1003",
            }
        )

    def otp_verify(self, body: dict[str, Any]) -> SimResponse:
        pending = self.otps.get(str(body.get("referenceNo") or ""))
        if pending is None:
            return tap_error("E1370")
        if pending.done:
            return tap_error("E1379")
        source = number_of(body.get("sourceAddress"))
        if str(body.get("otp") or "").strip() != pending.otp or (source and source != pending.number):
            return tap_error("E1337")
        pending.done = True
        self.emit(pending.application_id, self._charging_notification(body["referenceNo"], pending), kind="charging")
        reply = {"referenceNo": body["referenceNo"], "externalTrxId": pending.external_trx_id, "internalTrxId": pending.internal_trx_id}
        return SimResponse.json({"version": "1.0", **reply, "statusCode": "S1000", "statusDetail": "Request was Successfully processed."})

    @staticmethod
    def _charging_notification(reference: str, pending: PendingOtp) -> dict[str, Any]:
        return {
            "timeStamp": time.strftime("%d-%b-%Y %H:%M"),
            "TotalAmount": pending.amount,
            "externalTrxId": pending.external_trx_id,
            "balanceDue": "0",
            "statusDetail": "Request was Successfully processed, Due amount fully paid.",
            "currency": "FJD",
            "version": "1.0",
            "internalTrxId": pending.internal_trx_id,
            "paidAmount": pending.amount,
            "referenceId": reference,
            "statusCode": "S1000",
        }

    # --- subscription ------------------------------------------------------
    def user_subscription(self, body: dict[str, Any]) -> SimResponse:
        number, action, app = number_of(body.get("subscriberId")), str(body.get("action") or ""), str(body["applicationId"])
        if action not in ("0", "1"):
            return tap_error("E1312")
        if not number or outcome_for(number) == "invalid":
            return tap_error("E1325")
        key = (app, number)
        if action == "1" and key in self.subscribers:
            return tap_error("E1351")
        if action == "1":
            self.subscribers.add(key)
            reply = {"statusCode": "S1000", "statusDetail": "Success", "subscriptionStatus": "REGISTERED."}
        else:
            self.subscribers.discard(key)
            reply = {"statusCode": "S1000", "statusDetail": "not registered", "subscriptionStatus": "UNREGISTERED."}
        notify = {
            "timeStamp": now_stamp(),
            "version": "1.0",
            "applicationId": app,
            "subscriberId": f"tel:{number}",
            "frequency": "monthly",
            "status": reply["subscriptionStatus"],
        }
        self.emit(app, notify, kind="subscription")
        return SimResponse.json({"version": "1.0", **reply})

    # --- demo helpers: a subscriber acting on their own ----------------------
    def demo_user_sms(self, body: dict[str, Any]) -> SimResponse:
        app, number = str(body.get("applicationId") or ""), number_of(f"tel:{body.get('from', '')}")
        if not app or not number:
            return tap_error("E1312", 400)
        mo = {
            "version": "1.0",
            "applicationId": app,
            "sourceAddress": f"tel:{number}",
            "message": str(body.get("message") or ""),
            "Correlation-id": self.next_id("MO"),
            "encoding": "0",
        }
        return SimResponse.json({"queued": self.emit(app, mo, kind="receive"), **OK})

    def demo_user_ussd(self, body: dict[str, Any]) -> SimResponse:
        app, number = str(body.get("applicationId") or ""), number_of(f"tel:{body.get('from', '')}")
        if not app or not number:
            return tap_error("E1312", 400)
        session = self.next_id("")
        self.sessions[session] = number
        dial = self._ussd_receive(app, session, number, str(body.get("message") or "*141#"), "mo-init")
        return SimResponse.json({"queued": self.emit(app, dial, kind="ussd"), "sessionId": session, **OK})

    def reset(self) -> None:
        super().reset()
        with self._lock:
            self.sessions.clear()
            self.otps.clear()
            self.subscribers.clear()


def _is_hex(text: str) -> bool:
    return len(text) % 2 == 0 and all(ch in "0123456789abcdefABCDEF" for ch in text)


def _positive_amount(value: Any) -> str | None:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return f"{amount:.2f}" if amount > 0 else None
