"""V-Appstore (TAP) words and codes, mapped to the portal's statuses and error classes.

The V-Appstore document itself shows only two ``statusCode`` values: ``S1000`` (success)
and ``P1003`` (accepted, in progress: "OTP will send to user"). TAP runs on the hSenid SDP
platform, whose published error list (E13xx-E18xx) is what the platform answers on failure;
``PLATFORM_ERRORS`` classes every one of those by its meaning. A code we have never seen is
classed by its prefix (S success, P pending, E error) and the words of its statusDetail.
"""

from __future__ import annotations

from providers.base import ErrorClass, ErrorCode, MessageStatus, ProviderError

SUCCESS = "S1000"
# Codes the V-Appstore document prints; tests check each one is understood.
DOCUMENTED_OK_CODES = frozenset({"S1000", "P1003"})

A, P, R, U = ErrorClass.ACCOUNT, ErrorClass.PERMANENT, ErrorClass.RETRYABLE, ErrorClass.AMBIGUOUS

# raw statusCode -> (normalized code, class, the platform's description)
PLATFORM_ERRORS: dict[str, tuple[ErrorCode, ErrorClass, str]] = {
    "E1301": (ErrorCode.ACCOUNT_DISABLED, A, "Requested ApplicationID is not allowed within the System"),
    "E1302": (ErrorCode.ACCOUNT_DISABLED, A, "Requested SP is not allowed within the System"),
    "E1303": (ErrorCode.NOT_ALLOWED, A, "IP address is not listed within the allowed-host-address list"),
    "E1304": (ErrorCode.AUTH_FAILED, A, "Requested Application is not found within the System"),
    "E1305": (ErrorCode.AUTH_FAILED, A, "Requested ApplicationID is invalid"),
    "E1306": (ErrorCode.SENDER_INVALID, A, "Routing Key (shortcode/keyword) for the NCS service is invalid"),
    "E1307": (ErrorCode.AUTH_FAILED, A, "Requested SP is not found within the System"),
    "E1308": (ErrorCode.PROVIDER_ERROR, P, "Error during the charging operation"),
    "E1309": (ErrorCode.NOT_ALLOWED, A, "Requested service is not allowed for this Application"),
    "E1310": (ErrorCode.NOT_ALLOWED, A, "MO flow is not allowed for this Application"),
    "E1311": (ErrorCode.NOT_ALLOWED, A, "MT flow is not allowed for this Application"),
    "E1312": (ErrorCode.BAD_REQUEST, P, "Invalid request"),
    "E1313": (ErrorCode.AUTH_FAILED, A, "Authentication failure: no active application or service provider, or wrong password"),
    "E1315": (ErrorCode.NOT_ALLOWED, A, "Requested NCS service is not available"),
    "E1316": (ErrorCode.PROVIDER_ERROR, R, "The application is temporarily unavailable"),
    "E1317": (ErrorCode.INVALID_NUMBER, P, "MSISDN is in an invalid state (blocked, or wrong length)"),
    # E1318/E1319 are the platform's TPS / TPD throttles ("temporarily unavailable").
    "E1318": (ErrorCode.RATE_LIMITED, R, "The application is temporarily unavailable (throughput limit)"),
    "E1319": (ErrorCode.RATE_LIMITED, R, "The application is temporarily unavailable (daily limit)"),
    "E1322": (ErrorCode.SENDER_INVALID, P, "Requested sender is not allowed"),
    "E1323": (ErrorCode.BLOCKED, P, "Requested recipients not allowed"),
    "E1324": (ErrorCode.NOT_ALLOWED, A, "Subscription via HTTP is not allowed"),
    "E1325": (ErrorCode.INVALID_NUMBER, P, "Format of the address is invalid"),
    "E1326": (ErrorCode.INSUFFICIENT_BALANCE, A, "Could not be processed: insufficient balance"),
    "E1327": (ErrorCode.NOT_ALLOWED, A, "App id not allowed in the payment gateway"),
    "E1328": (ErrorCode.NOT_ALLOWED, A, "Charging operation not allowed (NCS configuration)"),
    "E1329": (ErrorCode.BAD_REQUEST, P, "Charging amount too high"),
    "E1330": (ErrorCode.BAD_REQUEST, P, "Charging amount too low"),
    "E1331": (ErrorCode.SENDER_INVALID, P, "Invalid or unauthorized source address"),
    "E1332": (ErrorCode.NOT_DELIVERED, P, "Delivery failed"),
    # Held for an administrator's approval: it may still go out, so never resend it blindly.
    "E1333": (ErrorCode.CONTENT_INVALID, U, "Suspected abusive content or too large a base: stored for admin approval"),
    "E1334": (ErrorCode.CONTENT_INVALID, P, "Message length is too long"),
    "E1335": (ErrorCode.CONTENT_INVALID, P, "Message length is too long for advertisement messages"),
    "E1336": (ErrorCode.BAD_REQUEST, P, "No matching service code found for the charging amount"),
    "E1337": (ErrorCode.NOT_ALLOWED, P, "Subscriber authentication by charging gateway failed"),
    "E1340": (ErrorCode.BAD_REQUEST, P, "Invalid request"),
    "E1341": (ErrorCode.NOT_DELIVERED, P, "Delivery failed for the intended destinations"),
    "E1342": (ErrorCode.BLOCKED, P, "Phone number is blacklisted for this application"),
    "E1343": (ErrorCode.BLOCKED, P, "Non white listed mobile number"),
    "E1344": (ErrorCode.INSUFFICIENT_BALANCE, A, "Could not be processed: insufficient balance"),
    "E1351": (ErrorCode.NOT_ALLOWED, P, "User already registered"),
    "E1356": (ErrorCode.BLOCKED, P, "User not registered"),
    "E1357": (ErrorCode.BLOCKED, P, "Unauthorised to use the application"),
    "E1360": (ErrorCode.PROVIDER_ERROR, R, "Error response from SDP-SBL"),
    "E1361": (ErrorCode.REJECTED, P, "Message rejected by SDP-SBL"),
    "E1362": (ErrorCode.BAD_REQUEST, P, "Invalid request"),
    "E1363": (ErrorCode.TIMEOUT, U, "No response / response delayed from SDP-SBL"),
    "E1364": (ErrorCode.PROVIDER_ERROR, R, "Could not send the message to SDP-SBL"),
    "E1365": (ErrorCode.BLOCKED, P, "Subscriber is not registered to use this application"),
    "E1366": (ErrorCode.NOT_DELIVERED, P, "MT delivery failed"),
    "E1367": (ErrorCode.BAD_REQUEST, P, "Request QOS not supported"),
    "E1368": (ErrorCode.BAD_REQUEST, P, "Requested ServiceType not supported"),
    "E1370": (ErrorCode.BAD_REQUEST, P, "Invalid reservation Id"),
    "E1371": (ErrorCode.NOT_ALLOWED, P, "App does not accept payments from this payment instrument"),
    "E1372": (ErrorCode.NOT_ALLOWED, P, "Default payment instrument for the user not found"),
    "E1373": (ErrorCode.INVALID_NUMBER, P, "Invalid payer account"),
    "E1374": (ErrorCode.NOT_ALLOWED, A, "Invalid payee account"),
    "E1375": (ErrorCode.NOT_ALLOWED, P, "Transfer between two different payment instruments is not allowed"),
    "E1376": (ErrorCode.PROVIDER_ERROR, P, "Unknown charging error"),
    "E1377": (ErrorCode.BAD_REQUEST, P, "Invalid payment instrument name"),
    "E1378": (ErrorCode.INSUFFICIENT_BALANCE, P, "Insufficient balance (the subscriber's)"),
    "E1379": (ErrorCode.BAD_REQUEST, P, "Transaction has already completed"),
    "E1380": (ErrorCode.BAD_REQUEST, P, "Transaction currency not supported"),
    "E1381": (ErrorCode.NOT_ALLOWED, A, "IP address not allowed to access this service"),
    "E1382": (ErrorCode.NOT_ALLOWED, P, "Payment instrument is not allowed to perform transactions"),
    "E1383": (ErrorCode.NOT_ALLOWED, A, "USSD network initiated flow not allowed"),
    "E1384": (ErrorCode.UNSUPPORTED_DESTINATION, P, "International SMS sending is disabled"),
    "E1387": (ErrorCode.NOT_ALLOWED, A, "Configured merchant ID not found"),
    "E1400": (ErrorCode.PROVIDER_ERROR, R, "Card management module unavailable"),
    "E1401": (ErrorCode.BAD_REQUEST, P, "Invalid NFC token"),
    "E1402": (ErrorCode.BAD_REQUEST, P, "NFC token does not match the request"),
    "E1404": (ErrorCode.PROVIDER_ERROR, P, "Charging failed"),
    "E1405": (ErrorCode.TIMEOUT, P, "Charging authorization timed out"),
    "E1406": (ErrorCode.REJECTED, P, "Charging authorization rejected"),
    "E1600": (ErrorCode.PROVIDER_ERROR, R, "The application is temporarily unavailable"),
    "E1601": (ErrorCode.PROVIDER_ERROR, R, "An unexpected error has occurred"),
    "E1602": (ErrorCode.NOT_DELIVERED, P, "Message delivery failed"),
    "E1603": (ErrorCode.PROVIDER_ERROR, R, "Temporary system error while delivering the request"),
    "E1605": (ErrorCode.BAD_REQUEST, P, "Invalid charging request"),
    "E1606": (ErrorCode.BAD_REQUEST, P, "Invalid charging amount"),
    "E1825": (ErrorCode.BAD_REQUEST, P, "Unsupported operation"),
    "E1830": (ErrorCode.UNSUPPORTED_DESTINATION, P, "Service not available for these users"),
}

# Words in an unknown code's statusDetail -> how to class it (first match wins).
_DETAIL_HINTS: tuple[tuple[str, ErrorCode, ErrorClass], ...] = (
    ("authentication", ErrorCode.AUTH_FAILED, A),
    ("password", ErrorCode.AUTH_FAILED, A),
    ("balance", ErrorCode.INSUFFICIENT_BALANCE, A),
    ("temporar", ErrorCode.PROVIDER_ERROR, R),
    ("tps", ErrorCode.RATE_LIMITED, R),
    ("throttl", ErrorCode.RATE_LIMITED, R),
    ("address", ErrorCode.INVALID_NUMBER, P),
    ("msisdn", ErrorCode.INVALID_NUMBER, P),
    ("blacklist", ErrorCode.BLOCKED, P),
    ("length", ErrorCode.CONTENT_INVALID, P),
    ("otp", ErrorCode.NOT_ALLOWED, P),
)


# "International SMS sending is disabled": this application's reach, not the message;
# another connection may carry it (routing fails it over).
ROUTE_SPECIFIC = frozenset({"E1384"})


def is_success(code: str) -> bool:
    """S... is done, P... is accepted and in progress (e.g. P1003: the OTP is on its way)."""
    return code[:1].upper() in ("S", "P")


def error_for(code: str, detail: str = "") -> ProviderError:
    """The normalized error of a failed statusCode; the raw code is kept."""
    code = (code or "").strip().upper()
    known = PLATFORM_ERRORS.get(code)
    message = (detail or "").strip()
    if known:
        return ProviderError(known[0], known[1], raw_code=code, message=message or known[2], route_specific=code in ROUTE_SPECIFIC)
    lowered = message.lower()
    for word, error_code, error_class in _DETAIL_HINTS:
        if word in lowered:
            return ProviderError(error_code, error_class, raw_code=code, message=message)
    return ProviderError(ErrorCode.UNKNOWN, P, raw_code=code, message=message or f"V-Appstore answered {code or 'no status code'}")


# sms/report deliveryStatus -> our status and, for failures, the error it carries.
DELIVERY_STATUSES: dict[str, tuple[MessageStatus, ErrorCode | None]] = {
    "DELIVERED": (MessageStatus.DELIVERED, None),
    "ACCEPTED": (MessageStatus.SENT, None),  # taken by the network, not yet on the handset
    "UNKNOWN": (MessageStatus.SENT, None),  # the network does not know more: leave it sent
    "EXPIRED": (MessageStatus.EXPIRED, ErrorCode.EXPIRED),
    "DELETED": (MessageStatus.UNDELIVERED, ErrorCode.NOT_DELIVERED),
    "UNDELIVERABLE": (MessageStatus.UNDELIVERED, ErrorCode.NOT_DELIVERED),
    "REJECTED": (MessageStatus.REJECTED, ErrorCode.REJECTED),
}


def delivery_status(word: str) -> tuple[MessageStatus, ProviderError | None]:
    """Map a deliveryStatus word; an undocumented word leaves the message sent."""
    key = (word or "").strip().rstrip(".").upper()
    status, error_code = DELIVERY_STATUSES.get(key, (MessageStatus.SENT, None))
    error = ProviderError(error_code, ErrorClass.PERMANENT, raw_code=key, message=key.lower()) if error_code else None
    return status, error


# subscription/notify and userSubscription "status"/"subscriptionStatus" words -> event kind.
SUBSCRIPTION_EVENTS = {
    "REGISTERED": "subscription",
    "UNREGISTERED": "unsubscription",
    "PENDING CHARGE": "subscription_pending",
}


def subscription_event_kind(word: str) -> str:
    """The doc prints "REGISTERED." with a full stop: stray dots and case are ignored."""
    key = " ".join((word or "").strip().rstrip(".").upper().replace("_", " ").split())
    return SUBSCRIPTION_EVENTS.get(key, "subscription_status")
