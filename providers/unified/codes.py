"""Unified Communications reply codes, message types and delivery-report words in our terms.

The document's rule: only 1709 may be retried; 1715 (response timeout) may have gone out
and must never be resubmitted; no other code (SMPP v3.4 codes included) is retried.
"""

from __future__ import annotations

from providers.base import ErrorClass, ErrorCode, MessageStatus, ProviderError

SUCCESS = "1701"

# code -> (the document's description, our code, our class)
ERRORS: dict[str, tuple[str, ErrorCode, ErrorClass]] = {
    "1702": ("Invalid URL: a parameter is missing or blank.", ErrorCode.BAD_REQUEST, ErrorClass.PERMANENT),
    "1703": ("Invalid value in username or password field.", ErrorCode.AUTH_FAILED, ErrorClass.ACCOUNT),
    "1704": ("Invalid value in type field.", ErrorCode.BAD_REQUEST, ErrorClass.PERMANENT),
    "1705": ("Invalid message.", ErrorCode.CONTENT_INVALID, ErrorClass.PERMANENT),
    "1706": ("Invalid destination.", ErrorCode.INVALID_NUMBER, ErrorClass.PERMANENT),
    # Every message of a campaign has the same sender: pause and let an admin fix it.
    "1707": ("Invalid source (sender).", ErrorCode.SENDER_INVALID, ErrorClass.ACCOUNT),
    "1708": ("Invalid value for dlr parameter.", ErrorCode.BAD_REQUEST, ErrorClass.PERMANENT),
    "1709": ("User validation failed.", ErrorCode.PROVIDER_ERROR, ErrorClass.RETRYABLE),
    "1710": ("Internal error.", ErrorCode.PROVIDER_ERROR, ErrorClass.PERMANENT),
    "1725": ("Insufficient credit.", ErrorCode.INSUFFICIENT_BALANCE, ErrorClass.ACCOUNT),
    "1715": ("Response timeout: the message may have gone out.", ErrorCode.TIMEOUT, ErrorClass.AMBIGUOUS),
    "1732": ("DND reject.", ErrorCode.BLOCKED, ErrorClass.PERMANENT),
    "1028": ("Spam message.", ErrorCode.CONTENT_INVALID, ErrorClass.PERMANENT),
    "1041": ("Duplicate message.", ErrorCode.REJECTED, ErrorClass.PERMANENT),
    "1042": ("Explicit DND destination.", ErrorCode.BLOCKED, ErrorClass.PERMANENT),
    "1033": ("Message template mismatch.", ErrorCode.CONTENT_INVALID, ErrorClass.PERMANENT),
    "69": ("Internal error.", ErrorCode.PROVIDER_ERROR, ErrorClass.PERMANENT),
    "8": ("Internal error.", ErrorCode.PROVIDER_ERROR, ErrorClass.PERMANENT),
    "16": ("IP blacklisted.", ErrorCode.NOT_ALLOWED, ErrorClass.ACCOUNT),
    "18": ("Non whitelisted user IP.", ErrorCode.NOT_ALLOWED, ErrorClass.ACCOUNT),
}

# type parameter: (ucs2, flash) -> value. 3 (reserved), 4 (WAP push) and the ISO-8859-1
# variants 5 and 7 are not used.
TYPES: dict[tuple[bool, bool], str] = {
    (False, False): "0",
    (False, True): "1",
    (True, False): "2",
    (True, True): "6",
}

# Delivery-report words (SMPP receipt words and their spelled-out forms).
DLR_STATUSES: dict[str, MessageStatus] = {
    "DELIVRD": MessageStatus.DELIVERED,
    "DELIVERED": MessageStatus.DELIVERED,
    "UNDELIV": MessageStatus.UNDELIVERED,
    "UNDELIVERED": MessageStatus.UNDELIVERED,
    "UNDELIVERABLE": MessageStatus.UNDELIVERED,
    "FAILED": MessageStatus.UNDELIVERED,
    "FAIL": MessageStatus.UNDELIVERED,
    "DELETED": MessageStatus.UNDELIVERED,
    "EXPIRED": MessageStatus.EXPIRED,
    "REJECTD": MessageStatus.REJECTED,
    "REJECTED": MessageStatus.REJECTED,
    "ACCEPTD": MessageStatus.SENT,
    "ACCEPTED": MessageStatus.SENT,
    "ACKED": MessageStatus.SENT,
    "ENROUTE": MessageStatus.SENT,
    "SENT": MessageStatus.SENT,
    "SUBMITTED": MessageStatus.SENT,
    "BUFFERED": MessageStatus.SENT,
}

DLR_ERRORS: dict[MessageStatus, ErrorCode] = {
    MessageStatus.UNDELIVERED: ErrorCode.NOT_DELIVERED,
    MessageStatus.EXPIRED: ErrorCode.EXPIRED,
    MessageStatus.REJECTED: ErrorCode.REJECTED,
}


def message_type(ucs2: bool, flash: bool) -> str:
    return TYPES[(ucs2, flash)]


def error_for(code: str) -> ProviderError:
    """Our error for a reply code; other (SMPP v3.4) codes are permanent, as the document says."""
    code = code.strip()
    known = ERRORS.get(code)
    if known is None:
        return ProviderError(ErrorCode.PROVIDER_ERROR, ErrorClass.PERMANENT, raw_code=code, message=f"Unified error {code} (not retried).")
    meaning, our_code, error_class = known
    return ProviderError(our_code, error_class, raw_code=code, message=meaning)


def dlr_status(word: str) -> MessageStatus | None:
    return DLR_STATUSES.get(word.strip().upper())


def dlr_error(status: MessageStatus, word: str, raw_code: str = "") -> ProviderError | None:
    code = DLR_ERRORS.get(status)
    if code is None:
        return None
    return ProviderError(code, ErrorClass.PERMANENT, raw_code=raw_code or word, message=f"Delivery report {word}")
