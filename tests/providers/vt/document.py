"""Read VT's documented word lists out of its document, with a copy for when it is absent."""

from __future__ import annotations

import re

# Copies of the document's lists (checked against the document when it is there).
SMS_ERROR_FILTERS = [
    "ACCOUNT_BLOCKED", "ACCOUNT_DISABLED", "ACCOUNT_MISSING", "ACCOUNT_UNVERIFIED", "BILLING_ERROR",
    "CARRIER_ROUTING", "CONTENT_TOO_LONG", "HEADER_ID_DISABLED", "HEADER_ID_NOT_FOUND", "HEADER_ID_MISSING",
    "INVALID_API_KEY", "INSERTION_FAILED", "INVALID_NUMBER", "INSUFFICIENT_BALANCE", "INVALID_ISO_CODE",
    "INVALID_VOICE_CALLER_ID", "IP_NOT_ALLOWED", "LOW_BALANCE", "NOT_FOUND", "PARAMETERS_MISSING",
    "REF_ID_MISSING", "RECEIVER_NUMBER_MISSING", "SENDER_ID_DISABLED", "SENDER_ID_NOT_FOUND", "SMS_TEXT_MISSING",
    "SENDERID_ROUTING_FAILED", "SENDER_ID_MISSING", "TECHNICAL_ISSUE", "TRAFFIC_NOT_ALLOWED", "UNSUPPORTED_COUNTRY",
    "VOICE_FILE_NOT_FOUND", "VOICE_FILE_NOT_APPROVED",
]  # fmt: skip
WHATSAPP_ERROR_LINES = [
    "User End Violation The request body is not properly filled",
    "Technical Error An error occurred in API verification",
]
DELIVERY_WORDS = ["ENROUTE", "DELIVRD", "EXPIRED", "DELETED", "UNDELIV", "ACCEPTD", "UNKNOWN", "REJECTD"]
CALL_WORDS = ["RINGING", "ANSWERED", "BUSY", "REJECTED", "UNANSWERED", "ENDED", "DISCONNECTED", "FAILED", "KEY_PRESSED"]


def table_lines(doc: str, heading: str, stop: str | None) -> list[str]:
    """The non-empty lines after ``heading`` up to the line ``stop`` (or the end)."""
    lines = doc.splitlines()
    start = lines.index(heading) + 1
    end = lines.index(stop, start) if stop else len(lines)
    return [line.strip() for line in lines[start:end] if line.strip()]


def sms_error_filters(doc: str) -> list[str]:
    """First word of each row of the SMS error table."""
    labels = [line.split()[0] for line in table_lines(doc, "ERROR_FILTER DESCRIPTION", "WhatsApp API")]
    return [label for label in labels if re.fullmatch(r"[A-Z][A-Z_]+", label)]


def whatsapp_error_lines(doc: str) -> list[str]:
    """Rows of the WhatsApp error table (its labels contain spaces, so whole lines)."""
    return table_lines(doc, "ERROR FILTER DESCRIPTION", None)


def bracketed_words(doc: str, after: str) -> list[str]:
    """The [A, B, C] list that follows ``after`` in the webhook section."""
    position = doc.index(after)
    match = re.search(r"\[([A-Z_,\s]+)\]", doc[position:])
    assert match, f"no [...] list after {after!r}"
    return [word.strip() for word in match.group(1).split(",") if word.strip()]


def delivery_words(doc: str) -> list[str]:
    return bracketed_words(doc, '"DELIVERY_STATUS"')


def call_words(doc: str) -> list[str]:
    return bracketed_words(doc, '"CALL_STATUS"')


def webhook_sample(doc: str) -> str:
    """The printed 'Sample Data:' JSON (curly quotes, raw line break and all)."""
    start = doc.index("{", doc.index("Sample Data:"))
    return doc[start : doc.index("}", start) + 1]


# The document's sample as printed (for when the document is absent).
WEBHOOK_SAMPLE = """{ "ACCOUNT_ID": 7463, "BILLING_ID": 1079483, "RECEIPENT": "+923001234567", "SENDER_ID": "8333", \
"MESSAGE_ID": "4e7a45354e7a6735", "MEDIUM": "SMS", "TIME": "281123041233", "CALL_ID": 38473, "CALL_STATUS": “ANSWERED”, \
"DELIVERY_STATUS": “DELIVRD”, "DLR_SMS": " id:103708458 sub:001 dlvrd:001 submit date:
2811230412 done date: 2811230412 stat:DELIVRD err:000 text: ” }"""
