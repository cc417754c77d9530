"""VT's ERROR_FILTER labels and what each means to us.

The document says decisions must be taken on ERROR_FILTER, never on ERROR_CODE (which
VT may change); ERROR_CODE is kept only as the raw code for support tickets.

Sender and header problems are PERMANENT (the message fails, others may use another
sender); problems that no message of the account can get past (key, balance, account
state, missing account-level configuration) are ACCOUNT so the campaign pauses and an
admin is told. Labels whose description says "try again" are RETRYABLE.
"""

from __future__ import annotations

from providers.base import ErrorClass, ErrorCode, ProviderError

A, P, R = ErrorClass.ACCOUNT, ErrorClass.PERMANENT, ErrorClass.RETRYABLE

SMS_ERROR_FILTERS: dict[str, tuple[ErrorCode, ErrorClass]] = {
    # The document's description of ACCOUNT_BLOCKED is a copy of INVALID_NUMBER's row;
    # the label (and VT's convention of labels "never changing") says the account is blocked.
    "ACCOUNT_BLOCKED": (ErrorCode.ACCOUNT_DISABLED, A),
    "ACCOUNT_DISABLED": (ErrorCode.ACCOUNT_DISABLED, A),
    # "Account ID is required": our credentials did not identify an account.
    "ACCOUNT_MISSING": (ErrorCode.AUTH_FAILED, A),
    "ACCOUNT_UNVERIFIED": (ErrorCode.NOT_ALLOWED, A),
    # Misconfigured billing on VT's side for this account: nothing will pass until fixed.
    "BILLING_ERROR": (ErrorCode.NOT_ALLOWED, A),
    # No carrier route for this destination; "contact support", not "try again".
    "CARRIER_ROUTING": (ErrorCode.UNSUPPORTED_DESTINATION, P),
    "CONTENT_TOO_LONG": (ErrorCode.CONTENT_INVALID, P),
    "HEADER_ID_DISABLED": (ErrorCode.SENDER_INVALID, P),
    "HEADER_ID_NOT_FOUND": (ErrorCode.SENDER_INVALID, P),
    "HEADER_ID_MISSING": (ErrorCode.SENDER_INVALID, P),
    "INVALID_API_KEY": (ErrorCode.AUTH_FAILED, A),
    # "SMS logs insertion failed ... try again": nothing was queued on their side.
    "INSERTION_FAILED": (ErrorCode.PROVIDER_ERROR, R),
    "INVALID_NUMBER": (ErrorCode.INVALID_NUMBER, P),
    "INSUFFICIENT_BALANCE": (ErrorCode.INSUFFICIENT_BALANCE, A),
    # The destination's country could not be resolved from the number.
    "INVALID_ISO_CODE": (ErrorCode.INVALID_NUMBER, P),
    "INVALID_VOICE_CALLER_ID": (ErrorCode.SENDER_INVALID, P),
    "IP_NOT_ALLOWED": (ErrorCode.NOT_ALLOWED, A),
    "LOW_BALANCE": (ErrorCode.INSUFFICIENT_BALANCE, A),
    # "No Sender ID/Header ID found for this user": the account has none at all, so no
    # message can go until an admin gets one configured (unlike SENDER_ID_NOT_FOUND).
    "NOT_FOUND": (ErrorCode.SENDER_INVALID, A),
    # "Username information is missing": the credentials are incomplete.
    "PARAMETERS_MISSING": (ErrorCode.AUTH_FAILED, A),
    # "Package reference ID is missing": the account's package is not set up.
    "REF_ID_MISSING": (ErrorCode.NOT_ALLOWED, A),
    "RECEIVER_NUMBER_MISSING": (ErrorCode.INVALID_NUMBER, P),
    "SENDER_ID_DISABLED": (ErrorCode.SENDER_INVALID, P),
    "SENDER_ID_NOT_FOUND": (ErrorCode.SENDER_INVALID, P),
    "SMS_TEXT_MISSING": (ErrorCode.CONTENT_INVALID, P),
    # "... It is suggested to try again": a routing hiccup on VT's side.
    "SENDERID_ROUTING_FAILED": (ErrorCode.PROVIDER_ERROR, R),
    "SENDER_ID_MISSING": (ErrorCode.SENDER_INVALID, P),
    "TECHNICAL_ISSUE": (ErrorCode.PROVIDER_ERROR, R),
    # "... It is suggested to try again": a traffic rule that VT says may pass later.
    "TRAFFIC_NOT_ALLOWED": (ErrorCode.NOT_ALLOWED, R),
    "UNSUPPORTED_COUNTRY": (ErrorCode.UNSUPPORTED_DESTINATION, P),
    "VOICE_FILE_NOT_FOUND": (ErrorCode.MEDIA_INVALID, P),
    "VOICE_FILE_NOT_APPROVED": (ErrorCode.MEDIA_INVALID, P),
}

WHATSAPP_ERROR_FILTERS: dict[str, tuple[ErrorCode, ErrorClass]] = {
    # "The request body is not properly filled": this message's request is wrong.
    "User End Violation": (ErrorCode.BAD_REQUEST, P),
    # "An error occurred in API verification": the hash was not accepted. Retrying with a
    # key VT refuses cannot succeed; a wrongly paused campaign can simply be resumed.
    "Technical Error": (ErrorCode.AUTH_FAILED, A),
}

ERROR_FILTERS: dict[str, tuple[ErrorCode, ErrorClass]] = {**SMS_ERROR_FILTERS, **WHATSAPP_ERROR_FILTERS}
# Refusals about VT's reach, not the message: "Failed to route traffic on the designated
# network, carrier not found" and "The destination country is not supported". Another
# connection may carry the message, so routing fails it over.
ROUTE_SPECIFIC = frozenset({"CARRIER_ROUTING", "UNSUPPORTED_COUNTRY"})
_BY_UPPER = {label.upper(): value for label, value in ERROR_FILTERS.items()}


def classify_error(error_filter: str, description: str = "", error_code: str = "") -> ProviderError:
    """A ProviderError for an ERROR reply; an undocumented label fails just this message."""
    label = (error_filter or "").strip()
    code, error_class = _BY_UPPER.get(label.upper(), (ErrorCode.UNKNOWN, P))
    message = description.strip() or label or "VT answered ERROR without an ERROR_FILTER"
    if error_code:
        message = f"{message} (VT error code {error_code})"
    route_specific = label.upper() in ROUTE_SPECIFIC
    return ProviderError(code, error_class, raw_code=label or str(error_code), message=message[:300], route_specific=route_specific)
