"""Wavy's status codes (document: "Sent Status Codes") mapped to our statuses and errors.

Two levels arrive independently: the sent status (callback, delivery to the carrier) and
the delivered status (DLR, delivery to the handset). Failures after submission become
rejected / expired / undelivered (the SMPP table's stat column), never `failed`, which is
reserved for messages the API refused outright."""

from __future__ import annotations

from dataclasses import dataclass

from providers.base import ErrorClass, ErrorCode, MessageStatus, ProviderError


@dataclass(frozen=True)
class StatusMeaning:
    word: str  # the document's status word, e.g. SENT_SUCCESS
    status: MessageStatus
    code: ErrorCode | None = None  # None for success
    error_class: ErrorClass = ErrorClass.PERMANENT
    text: str = ""


SENT_SUCCESS_CODE = 2
DELIVERED_SUCCESS_CODE = 4

# sentStatusCode -> meaning (first status: delivery to the carrier).
SENT_STATUS: dict[int, StatusMeaning] = {
    2: StatusMeaning("SENT_SUCCESS", MessageStatus.SENT, text="Delivered to the carrier"),
    101: StatusMeaning("EXPIRED", MessageStatus.EXPIRED, ErrorCode.EXPIRED, text="Expired before being delivered to the device"),
    102: StatusMeaning(
        "CARRIER_COMMUNICATION_ERROR",
        MessageStatus.REJECTED,
        ErrorCode.PROVIDER_ERROR,
        ErrorClass.RETRYABLE,
        "Communication error with the carrier",
    ),
    103: StatusMeaning("REJECTED_BY_CARRIER", MessageStatus.REJECTED, ErrorCode.REJECTED, text="The carrier has rejected the message"),
    201: StatusMeaning(
        "NO_CREDIT",
        MessageStatus.REJECTED,
        ErrorCode.INSUFFICIENT_BALANCE,
        ErrorClass.ACCOUNT,
        "Message limit of the account or subaccount exceeded, or prepaid credit ran out",
    ),
    202: StatusMeaning("INVALID_DESTINATION_NUMBER", MessageStatus.REJECTED, ErrorCode.INVALID_NUMBER, text="Not a valid mobile number"),
    203: StatusMeaning("BLACKLISTED", MessageStatus.REJECTED, ErrorCode.BLOCKED, text="The destination number is blacklisted"),
    204: StatusMeaning(
        "DESTINATION_BLOCKED_BY_OPTOUT", MessageStatus.REJECTED, ErrorCode.BLOCKED, text="The destination number has opted out"
    ),
    205: StatusMeaning(
        "DESTINATION_MESSAGE_LIMIT_REACHED",
        MessageStatus.REJECTED,
        ErrorCode.NOT_ALLOWED,
        ErrorClass.RETRYABLE,
        "The destination reached the carriers' message limit for a period",
    ),
    207: StatusMeaning(
        "INVALID_MESSAGE_TEXT", MessageStatus.REJECTED, ErrorCode.CONTENT_INVALID, text="The text contains words the carrier refuses"
    ),
    301: StatusMeaning(
        "INTERNAL_ERROR", MessageStatus.REJECTED, ErrorCode.PROVIDER_ERROR, ErrorClass.RETRYABLE, "An error occurred in Wavy's platform"
    ),
}

# deliveredStatusCode -> meaning (second status: delivery to the device).
DELIVERED_STATUS: dict[int, StatusMeaning] = {
    4: StatusMeaning("DELIVERED_SUCCESS", MessageStatus.DELIVERED, text="Delivered to the device"),
    104: StatusMeaning(
        "NOT_DELIVERED", MessageStatus.UNDELIVERED, ErrorCode.NOT_DELIVERED, text="The carrier accepted it but could not deliver it"
    ),
}

SENT_BY_WORD = {m.word: code for code, m in SENT_STATUS.items()}
DELIVERED_BY_WORD = {m.word: code for code, m in DELIVERED_STATUS.items()}


def _code_of(value: object, by_word: dict[str, int]) -> int | None:
    """A numeric code from an int, a digit string or the status word."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if text.lstrip("-").isdigit():
        return int(text)
    return by_word.get(text.upper())


def sent_code(code: object, word: object = None) -> int | None:
    found = _code_of(code, SENT_BY_WORD)
    return found if found is not None else _code_of(word, SENT_BY_WORD)


def delivered_code(code: object, word: object = None) -> int | None:
    found = _code_of(code, DELIVERED_BY_WORD)
    return found if found is not None else _code_of(word, DELIVERED_BY_WORD)


def meaning_error(meaning: StatusMeaning, raw_code: int) -> ProviderError | None:
    if meaning.code is None:
        return None
    return ProviderError(meaning.code, meaning.error_class, raw_code=str(raw_code), message=f"{meaning.word}: {meaning.text}")


def unmapped(raw_code: int | None, word: str, level: str) -> tuple[MessageStatus, ProviderError]:
    """An undocumented failure code: the message did not make it; keep the raw code."""
    status = MessageStatus.UNDELIVERED if level == "delivered" else MessageStatus.REJECTED
    raw = "" if raw_code is None else str(raw_code)
    return status, ProviderError(
        ErrorCode.UNKNOWN, ErrorClass.PERMANENT, raw_code=raw, message=f"undocumented {level} status {raw} {word}".strip()
    )


# Errors the API answers at submission (HTTP status or an error body). The document lists
# only HTTP statuses; bodies carry {"errorCode", "errorMessage"} in the simulator and we
# also read the sent-status vocabulary when an error names it (e.g. 202).
HTTP_ERRORS: dict[int, ProviderError] = {
    400: ProviderError(ErrorCode.BAD_REQUEST, ErrorClass.PERMANENT, raw_code="400", message="Bad Request"),
    401: ProviderError(ErrorCode.AUTH_FAILED, ErrorClass.ACCOUNT, raw_code="401", message="Unauthorized: check username and token"),
    403: ProviderError(ErrorCode.AUTH_FAILED, ErrorClass.ACCOUNT, raw_code="403", message="Forbidden: this user may not do this"),
    404: ProviderError(ErrorCode.BAD_REQUEST, ErrorClass.ACCOUNT, raw_code="404", message="Not Found: check the connection's base URL"),
    429: ProviderError(ErrorCode.RATE_LIMITED, ErrorClass.RETRYABLE, raw_code="429", message="Too Many Requests"),
    500: ProviderError(ErrorCode.PROVIDER_ERROR, ErrorClass.RETRYABLE, raw_code="500", message="Internal Server Error"),
    503: ProviderError(ErrorCode.PROVIDER_ERROR, ErrorClass.RETRYABLE, raw_code="503", message="Service Unavailable"),
    504: ProviderError(ErrorCode.PROVIDER_ERROR, ErrorClass.AMBIGUOUS, raw_code="504", message="Gateway Timeout"),
}
