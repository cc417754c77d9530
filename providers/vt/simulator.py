"""A simulator of VT CPaaS: /v3/sendsms, /v3/sendcall and the WhatsApp host's /wa/... paths,
all served under /vt/ (point both the base URL and whatsapp_base_url at it).

Replies carry the document's fields; a delivery report follows each accepted message in
VT's webhook format (MEDIUM SMS, VOICE or WHATSAPP), its outcome chosen by outcome_for()."""

from __future__ import annotations

import re
import time
import zlib
from datetime import UTC, datetime
from typing import Any

from providers.simulator.base import ProviderSimulator, SimRequest, SimResponse, credential_problem, operator_for, outcome_for
from providers.vt.payloads import VOICE_OTP_SENDER, WHATSAPP_MEDIA_TYPES, WHATSAPP_TYPES

MAX_SMS_CHARS = 800
MAX_WHATSAPP_TEXT = 4096
E164 = re.compile(r"^\+[1-9]\d{7,14}$")
WA_NUMBER = re.compile(r"^[1-9]\d{7,14}$")
CALLER_ID = re.compile(r"^(Default|\+?\d{3,15})?$", re.IGNORECASE)
MEDIA_MIME_TYPES = frozenset(
    {"image/jpeg", "image/png", "video/mp4", "video/3gpp", "audio/mpeg", "audio/ogg", "audio/aac", "audio/mp4", "application/pdf"}
)
# Dialing code -> (ISO, network name) for the reply's COUNTRY_* and NETWORK_NAME fields.
COUNTRIES = {
    "92": ("PK", "Mobilink-PK"),
    "880": ("BD", "Grameenphone-BD"),
    "94": ("LK", "Dialog-LK"),
    "91": ("IN", "Airtel-IN"),
    "971": ("AE", "Etisalat-AE"),
    "966": ("SA", "STC-SA"),
    "44": ("GB", "Vodafone-GB"),
    "55": ("BR", "Vivo-BR"),
    "1": ("US", "T-Mobile-US"),
}
DLR_WORDS = {"delivered": "DELIVRD", "undelivered": "UNDELIV", "expired": "EXPIRED", "rejected": "REJECTD"}
CALL_WORDS = {"delivered": "ANSWERED", "undelivered": "BUSY", "expired": "UNANSWERED", "rejected": "REJECTED"}
WA_ERRORS = {
    "User End Violation": "The request body is not properly filled",
    "Technical Error": "An error occurred in API verification",
}
SMS_ERRORS = {
    "INVALID_API_KEY": "Invalid API key, please provide a valid API Key.",
    "LOW_BALANCE": "Account balance is insufficient, please recharge or contact Veevo Tech support team for assistance.",
    "INVALID_NUMBER": "The mobile number is not in valid international format, please provide it as +923001234567.",
    "RECEIVER_NUMBER_MISSING": "Please provide valid receiver number.",
    "SMS_TEXT_MISSING": "Please provide the text that needs to be sent.",
    "CONTENT_TOO_LONG": "The SMS content length is too long, the maximum supported length is 800 characters.",
    "VOICE_FILE_NOT_FOUND": "Voice file invalid OR not found.",
    "INVALID_VOICE_CALLER_ID": "The provided caller ID is invalid, please provide the correct or contact support",
}
TEMPLATES = [
    {
        "id": 42,
        "name": "order_update",
        "language": "en",
        "status": "APPROVED",
        "category": "UTILITY",
        "body": "Hi {{1}}, your order {{2}} is on its way.",
        "header_type": "",
    },
    {
        "id": 43,
        "name": "spring_sale",
        "language": "en",
        "status": "APPROVED",
        "category": "MARKETING",
        "body": "Hello {{1}}! Our spring sale starts today: {{2}} off everything.",
        "header_type": "image",
    },
]


class Simulator(ProviderSimulator):
    slug = "vt"
    account_credential = "apikey"

    @classmethod
    def network_name(cls, number: str) -> str:
        return network_of(number)

    def handle(self, request: SimRequest) -> SimResponse:
        params = request.params()
        key = str(params.get("apikey") or params.get("hash") or "")
        if self.over_rate_limit(key, time.time()):
            return SimResponse.json(error_body("TECHNICAL_ISSUE", "Too many requests, slow down."), status=429, **{"Retry-After": "1"})
        route = {
            "/v3/sendsms": self.send_sms,
            "/v3/sendcall": self.send_call,
            "/wa/v1/send_message": self.send_whatsapp,
            "/wa/media": self.upload_media,
            "/wa/sync": self.sync_templates,
        }.get(request.path.rstrip("/"))
        if route is None:
            return SimResponse.json({"STATUS": "ERROR", "MESSAGE": "Not Found"}, status=404)
        if request.method not in ("GET", "POST"):
            return SimResponse.json({"STATUS": "ERROR", "MESSAGE": "Method Not Allowed"}, status=405)
        return route(key, params)

    # --- /v3/sendsms (SMS and voice OTP) -------------------------------------
    def send_sms(self, key: str, params: dict[str, Any]) -> SimResponse:
        number = receiver(params)
        text = str(params.get("textmessage") or "")
        problem = key_error(key) or number_error(number)
        if not problem and not text.strip():
            problem = "SMS_TEXT_MISSING"
        if not problem and len(text) > MAX_SMS_CHARS:
            problem = "CONTENT_TOO_LONG"
        if problem:
            return sms_error(problem, number)
        message_id = self.next_id()
        voice_otp = str(params.get("sendernum") or "") == VOICE_OTP_SENDER
        sender = str(params.get("sendernum") or "Default")
        self.emit(key, self.report(key, number, sender, message_id, "VOICE" if voice_otp else "SMS", voice_otp=voice_otp, text=text))
        self.count_submission(number)  # after queuing its report: a resolver failure counts nothing
        return SimResponse.json(success_body(number, MESSAGE_ID=message_id))

    # --- /v3/sendcall ---------------------------------------------------------
    def send_call(self, key: str, params: dict[str, Any]) -> SimResponse:
        number = receiver(params)
        recording = str(params.get("recording") or "").strip()
        problem = key_error(key) or number_error(number)
        if not problem and (not recording.isdigit() or int(recording) == 0):
            problem = "VOICE_FILE_NOT_FOUND"
        caller_id = str(params.get("callerid") or "")
        if not problem and not CALLER_ID.match(caller_id):
            problem = "INVALID_VOICE_CALLER_ID"
        if problem:
            return sms_error(problem, number)
        call_id = int(self.next_id(), 16)  # numeric, like the document's 83922
        self.emit_call_events(key, number, caller_id or "Default", call_id, template=str(params.get("call_template") or "2"))
        self.count_submission(number)
        return SimResponse.json(success_body(number, CALL_ID=call_id))

    def emit_call_events(self, key: str, number: str, caller_id: str, call_id: int, *, template: str) -> None:
        outcome = outcome_for(number)
        word = CALL_WORDS.get(outcome, "ANSWERED")
        event = self.report(key, number, caller_id, str(call_id), "VOICE")
        event.update(CALL_ID=call_id, CALL_STATUS=word)
        self.emit(key, event)
        if word == "ANSWERED" and template != "2":
            # A call flow with a menu: the recipient presses the number's last digit.
            pressed = {**event, "CALL_STATUS": "KEY_PRESSED", "CALL_DTMF": number[-1], "TIME": vt_time()}
            self.emit(key, pressed, delay=self.delay + 0.2 if self.delay else 0)

    # --- WhatsApp host ---------------------------------------------------------
    def send_whatsapp(self, key: str, params: dict[str, Any]) -> SimResponse:
        if credential_problem(key) == "bad_key" or not key:
            return wa_error("Technical Error")
        if credential_problem(key) == "no_balance":
            return sms_error("LOW_BALANCE", "")
        to = str(params.get("to") or "").strip().lstrip("+")
        if not WA_NUMBER.match(to) or outcome_for(to) == "invalid":
            return sms_error("INVALID_NUMBER", to)
        if whatsapp_body_problem(params):
            return wa_error("User End Violation")
        message_id = self.next_id("wa")
        self.emit(key, self.report(key, "+" + to, "WhatsApp", message_id, "WHATSAPP"))
        self.count_submission("+" + to)
        return SimResponse.json({**success_body("+" + to, MESSAGE_ID=message_id), "MESSAGE": "Message has been queued"})

    def upload_media(self, key: str, params: dict[str, Any]) -> SimResponse:
        if credential_problem(key) or not key:
            return wa_error("Technical Error")
        url, mime = str(params.get("url") or ""), str(params.get("mimeType") or "")
        if not url.startswith(("http://", "https://")) or mime not in MEDIA_MIME_TYPES:
            return wa_error("User End Violation")
        return SimResponse.json({"STATUS": "SUCCESSFUL", "MEDIA_ID": self.next_id("media"), "ERROR_FILTER": "", "ERROR_CODE": ""})

    def sync_templates(self, key: str, params: dict[str, Any]) -> SimResponse:
        if credential_problem(key) or not key:
            return wa_error("Technical Error")
        return SimResponse.json({"STATUS": "SUCCESSFUL", "TEMPLATES": TEMPLATES})

    # --- delivery reports --------------------------------------------------------
    def report(
        self, key: str, number: str, sender: str, message_id: str, medium: str, *, voice_otp: bool = False, text: str = ""
    ) -> dict[str, Any]:
        """One webhook event in VT's format, with the outcome outcome_for() gives the number."""
        outcome = outcome_for(number)
        event: dict[str, Any] = {
            "ACCOUNT_ID": account_id(key),
            "BILLING_ID": 1000000 + account_id(key),
            "RECEIPENT": number,
            "SENDER_ID": sender,
            "MESSAGE_ID": message_id,
            "MEDIUM": medium,
            "TIME": vt_time(),
        }
        if medium == "VOICE" and not voice_otp:
            return event
        if voice_otp:
            # A voice OTP is delivered when answered, undelivered otherwise.
            answered = outcome == "delivered"
            event.update(CALL_STATUS="ANSWERED" if answered else "UNANSWERED", DELIVERY_STATUS="DELIVRD" if answered else "UNDELIV")
        else:
            event["DELIVERY_STATUS"] = DLR_WORDS.get(outcome, "DELIVRD")
        if medium == "SMS":
            event["DLR_SMS"] = dlr_text(message_id, event["DELIVERY_STATUS"], text)
        return event


def receiver(params: dict[str, Any]) -> str:
    """receivernum; in a GET the document's unencoded "+92..." arrives as " 92..."."""
    raw = str(params.get("receivernum") or "")
    number = raw.strip()
    if number[:1].isdigit() and raw.startswith(" "):
        number = "+" + number
    return number


def key_error(key: str) -> str:
    problem = credential_problem(key)
    if not key or problem == "bad_key":
        return "INVALID_API_KEY"
    return "LOW_BALANCE" if problem == "no_balance" else ""


def number_error(number: str) -> str:
    if not number:
        return "RECEIVER_NUMBER_MISSING"
    if not E164.match(number) or outcome_for(number) == "invalid":
        return "INVALID_NUMBER"
    return ""


def whatsapp_body_problem(params: dict[str, Any]) -> bool:
    kind = str(params.get("type") or "")
    if kind not in WHATSAPP_TYPES:
        return True
    if kind == "template":
        return not str(params.get("template_id") or "").strip() or not isinstance(params.get("templateVariables", []), list)
    obj = params.get(kind)
    if not isinstance(obj, dict):
        return True
    if kind == "text":
        body = str(obj.get("body") or "")
        return not body.strip() or len(body) > MAX_WHATSAPP_TEXT
    return kind in WHATSAPP_MEDIA_TYPES and not (obj.get("id") or obj.get("link"))


def country_of(number: str) -> tuple[str, str, str]:
    digits = number.lstrip("+")
    for code in sorted(COUNTRIES, key=len, reverse=True):
        if digits.startswith(code):
            return code, *COUNTRIES[code]
    return digits[:2], "", "Unknown"


def network_of(number: str) -> str:
    """VT names a network "<operator>-<ISO>" (the document's "Mobilink-PK")."""
    operator = operator_for(number)
    return f"{operator}-PK" if operator else country_of(number)[2]


def success_body(number: str, **ids: Any) -> dict[str, Any]:
    code, iso, _ = country_of(number)
    network = network_of(number)
    return {
        "STATUS": "SUCCESSFUL",
        **ids,
        "COUNTRY_SUPPORTED": "TRUE",
        "COUNTRY_CODE": int(code) if code.isdigit() else code,
        "COUNTRY_ISO": iso,
        "NETWORK_NAME": network,
        "RECEIVER_NUMBER": number,
        "ERROR_FILTER": "",
        "ERROR_CODE": "",
        "ERROR_DESCRIPTION": "",
        "CHARGED_BALANCE": 0,
    }


def error_body(error_filter: str, description: str) -> dict[str, Any]:
    return {
        "STATUS": "ERROR",
        "ERROR_FILTER": error_filter,
        "ERROR_CODE": f"E{zlib.crc32(error_filter.encode()) % 9000 + 1000}",
        "ERROR_DESCRIPTION": description,
    }


def sms_error(error_filter: str, number: str) -> SimResponse:
    body = {**error_body(error_filter, SMS_ERRORS.get(error_filter, error_filter)), "RECEIVER_NUMBER": number, "CHARGED_BALANCE": 0}
    return SimResponse.json(body)


def wa_error(error_filter: str) -> SimResponse:
    return SimResponse.json(error_body(error_filter, WA_ERRORS[error_filter]))


def account_id(key: str) -> int:
    return zlib.crc32(key.encode()) % 9000 + 1000


def vt_time(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).strftime("%d%m%y%H%M%S")


def dlr_text(message_id: str, word: str, text: str) -> str:
    stamp = datetime.now(UTC).strftime("%d%m%y%H%M")
    delivered = "001" if word == "DELIVRD" else "000"
    err = "000" if word == "DELIVRD" else "001"
    return f"id:{message_id} sub:001 dlvrd:{delivered} submit date:{stamp} done date:{stamp} stat:{word} err:{err} text:{text[:20]}"
