"""VT's delivery (DELIVERY_STATUS, SMPP words) and call (CALL_STATUS) words -> our statuses."""

from __future__ import annotations

from dataclasses import dataclass

from providers.base import ErrorCode
from providers.base import MessageStatus as S


@dataclass(frozen=True)
class Meaning:
    status: S
    error: ErrorCode | None = None  # set for the failure statuses
    call_outcome: str = ""


DELIVERY_STATUSES: dict[str, Meaning] = {
    "ENROUTE": Meaning(S.SENT),
    "ACCEPTD": Meaning(S.SENT),
    "DELIVRD": Meaning(S.DELIVERED),
    "EXPIRED": Meaning(S.EXPIRED, ErrorCode.EXPIRED),
    # SMPP DELETED: the SMSC removed the message before delivery. The handset never got
    # it, but nobody refused its content either, so it is undelivered rather than rejected.
    "DELETED": Meaning(S.UNDELIVERED, ErrorCode.NOT_DELIVERED),
    "UNDELIV": Meaning(S.UNDELIVERED, ErrorCode.NOT_DELIVERED),
    # SMPP UNKNOWN: VT holds the message but its fate is unknown. SUBMITTED says exactly
    # that: it moves nothing forward (a sent/delivered message stays so), yet settles a
    # message we had marked `unknown` after a timeout, since VT evidently has it.
    "UNKNOWN": Meaning(S.SUBMITTED),
    "REJECTD": Meaning(S.REJECTED, ErrorCode.REJECTED),
}

CALL_STATUSES: dict[str, Meaning] = {
    "RINGING": Meaning(S.SENT, call_outcome="ringing"),
    "ANSWERED": Meaning(S.DELIVERED, call_outcome="answered"),
    # A key can only be pressed on an answered call; the digit comes in CALL_DTMF.
    "KEY_PRESSED": Meaning(S.DELIVERED, call_outcome="answered"),
    # ENDED closes an answered call, so its outcome stays "answered".
    "ENDED": Meaning(S.DELIVERED, call_outcome="answered"),
    "BUSY": Meaning(S.UNDELIVERED, ErrorCode.NO_ANSWER, "busy"),
    "REJECTED": Meaning(S.UNDELIVERED, ErrorCode.NO_ANSWER, "rejected"),
    "UNANSWERED": Meaning(S.UNDELIVERED, ErrorCode.NO_ANSWER, "unanswered"),
    # Dropped before being answered; after ANSWERED the status machine keeps "delivered".
    "DISCONNECTED": Meaning(S.UNDELIVERED, ErrorCode.NOT_DELIVERED, "disconnected"),
    # The call could not be placed. Not our FAILED, which means "the API refused it".
    "FAILED": Meaning(S.UNDELIVERED, ErrorCode.NOT_DELIVERED, "failed"),
}

# A voice OTP is reported through DELIVERY_STATUS alone: the document says an answered call
# gives a successful report and an unanswered one "undelivered" (and only answered is billed).
VOICE_DELIVERY_STATUSES: dict[str, Meaning] = {
    "DELIVRD": Meaning(S.DELIVERED, call_outcome="answered"),
    "UNDELIV": Meaning(S.UNDELIVERED, ErrorCode.NO_ANSWER, "unanswered"),
}
