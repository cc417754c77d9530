"""VavaSMS reply codes and status words, as its document lists them, in our terms.

Every reply is JSON ``{"code": ..., "message"|"status": LABEL, "description": ..., "data": ...}``;
``code`` is 0 (``OPERATION_SUCCES``) on success and sometimes a string ("901") on errors.
"""

from __future__ import annotations

from providers.base import ErrorClass, ErrorCode, MessageStatus, ProviderError

SUCCESS_CODE = "0"

# code -> (label the document gives it, our code, our class, what it means)
ERRORS: dict[str, tuple[str, ErrorCode, ErrorClass, str]] = {
    "901": ("INVALID_CREDENTIALS", ErrorCode.AUTH_FAILED, ErrorClass.ACCOUNT, "Invalid username or password."),
    # Every message of the campaign carries the same sender: pause and let an admin fix it.
    "902": ("INVALID_SENDER_ID", ErrorCode.SENDER_INVALID, ErrorClass.ACCOUNT, "The sender ID does not exist at VavaSMS."),
    "903": ("INVALID_PHONE_NUMBER", ErrorCode.INVALID_NUMBER, ErrorClass.PERMANENT, "The phone number format is invalid."),
    # Documented for a status query about an unknown id ("Aucun envoi existe pour ce ID");
    # on a send it is a refusal we cannot retry into success.
    "709": ("EXECUTION_ERROR", ErrorCode.PROVIDER_ERROR, ErrorClass.PERMANENT, "VavaSMS could not execute the request."),
    "913": ("INVALID_OTP", ErrorCode.REJECTED, ErrorClass.PERMANENT, "The OTP code is wrong or has expired."),
}

# Words in an EXECUTION_ERROR description that mean the account ran out of credit
# (the document gives no code of its own for it).
BALANCE_WORDS = ("solde", "credit", "crédit", "balance", "insufficient", "insuffisant")

# Status words of the status query (the document shows "sent" / "Envoyé"); the others are
# the usual ones, English or French, so a report never goes unread.
STATUSES: dict[str, MessageStatus] = {
    "sent": MessageStatus.SENT,
    "envoye": MessageStatus.SENT,
    "envoyé": MessageStatus.SENT,
    "pending": MessageStatus.SUBMITTED,
    "submitted": MessageStatus.SUBMITTED,
    "queued": MessageStatus.SUBMITTED,
    "en attente": MessageStatus.SUBMITTED,
    "delivered": MessageStatus.DELIVERED,
    "livre": MessageStatus.DELIVERED,
    "livré": MessageStatus.DELIVERED,
    "undelivered": MessageStatus.UNDELIVERED,
    "failed": MessageStatus.UNDELIVERED,
    "echec": MessageStatus.UNDELIVERED,
    "échec": MessageStatus.UNDELIVERED,
    "non livre": MessageStatus.UNDELIVERED,
    "non livré": MessageStatus.UNDELIVERED,
    "expired": MessageStatus.EXPIRED,
    "expire": MessageStatus.EXPIRED,
    "expiré": MessageStatus.EXPIRED,
    "rejected": MessageStatus.REJECTED,
    "rejete": MessageStatus.REJECTED,
    "rejeté": MessageStatus.REJECTED,
}

STATUS_ERRORS: dict[MessageStatus, ErrorCode] = {
    MessageStatus.UNDELIVERED: ErrorCode.NOT_DELIVERED,
    MessageStatus.EXPIRED: ErrorCode.EXPIRED,
    MessageStatus.REJECTED: ErrorCode.REJECTED,
}


def error_for(code: str, label: str = "", description: str = "") -> ProviderError:
    """Our error for a VavaSMS error code; unknown codes are permanent provider errors."""
    code = str(code).strip()
    known = ERRORS.get(code)
    text = description or label
    if code == "709" and any(word in description.lower() for word in BALANCE_WORDS):
        return ProviderError(ErrorCode.INSUFFICIENT_BALANCE, ErrorClass.ACCOUNT, raw_code=code, message=text or "Insufficient balance.")
    if known is None:
        return ProviderError(ErrorCode.UNKNOWN, ErrorClass.PERMANENT, raw_code=code, message=text or f"VavaSMS error {code}")
    doc_label, our_code, error_class, meaning = known
    message = f"{label or doc_label}: {description}" if description else meaning
    return ProviderError(our_code, error_class, raw_code=code, message=message)


def status_for(word: str) -> MessageStatus | None:
    """Our status for a status word, None when the word is not one we know."""
    return STATUSES.get(str(word).strip().lower())


def status_error(status: MessageStatus, raw: str) -> ProviderError | None:
    code = STATUS_ERRORS.get(status)
    if code is None:
        return None
    return ProviderError(code, ErrorClass.PERMANENT, raw_code=raw, message=f"VavaSMS status {raw}")
