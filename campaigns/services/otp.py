"""One-time passwords: our own codes sent by SMS or voice OTP, or the provider's own OTP.

Our codes are never stored: only a salted HMAC of them (OtpRequest.code_hash), compared in
constant time. Every verify attempt counts, including the right code after the limit.
With the provider's OTP (Capability.OTP) the provider generates and checks the code:
generating is queued like any send; verifying asks the provider while the client waits,
because its answer is the result (bounded by PROVIDER_HTTP_TIMEOUT)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from campaigns.models import OtpRequest
from providers.base import Capability

DEFAULT_LENGTH = 6
DEFAULT_TTL = 300
DEFAULT_MAX_ATTEMPTS = 5
DEFAULT_TEXT = "Your verification code is {code}"


class OtpError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Verification:
    verified: bool
    status: str  # verified | invalid_code | expired | too_many_attempts | already_verified | failed
    attempts_left: int


def new_code(length: int) -> str:
    return "".join(secrets.choice("0123456789") for _ in range(length))


def hash_code(code: str, salt: str | None = None) -> str:
    salt = salt or secrets.token_hex(8)
    mac = hmac.new(settings.SECRET_KEY.encode(), f"{salt}:{code}".encode(), hashlib.sha256).hexdigest()
    return f"{salt}${mac}"


def code_matches(code_hash: str, code: str) -> bool:
    salt, _, _ = code_hash.partition("$")
    return bool(salt) and hmac.compare_digest(hash_code(code.strip(), salt), code_hash)


def status_of(otp: OtpRequest) -> str:
    if otp.verified_at is not None:
        return "verified"
    if otp.max_attempts == 0:
        return "failed"  # the code could not be sent
    if otp.attempts >= otp.max_attempts:
        return "too_many_attempts"
    if otp.expires_at <= timezone.now():
        return "expired"
    return "pending"


def generate(
    *,
    account,
    connection,
    to: str,
    channel: str = "sms",
    subaccount=None,
    sender: str = "",
    length: int = DEFAULT_LENGTH,
    ttl_seconds: int = DEFAULT_TTL,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    text: str = DEFAULT_TEXT,
    use_provider: bool = False,
    user=None,
) -> OtpRequest:
    """Create the OTP and queue its sending (never calls the provider here)."""
    expires_at = timezone.now() + timedelta(seconds=ttl_seconds)
    common = dict(account=account, subaccount=subaccount, connection=connection, to=to, channel=channel, expires_at=expires_at)
    if use_provider:
        if not connection.backend_class().supports(Capability.OTP):
            raise OtpError("otp_not_supported", "This connection's provider has no OTP service; use channel sms or voice.")
        otp = OtpRequest.objects.create(max_attempts=max_attempts, **{**common, "channel": "provider"})
        options = {"sender": sender, "length": length, "expiry_minutes": max(1, ttl_seconds // 60), "message": text}
        transaction.on_commit(lambda: _queue_provider_generate(otp.pk, options))
        return otp
    from campaigns.services.messaging import send_single

    code = new_code(length)
    otp = OtpRequest.objects.create(code_hash=hash_code(code), max_attempts=max_attempts, **common)
    body = code if channel == "voice" else _with_code(text, code)
    otp.message = send_single(
        account=account,
        connection=connection,
        channel=channel,
        to=to,
        sender=sender,
        text=body,
        payload={"kind": "otp"} if channel == "voice" else None,
        subaccount=subaccount,
        user=user,
    )
    otp.save(update_fields=["message"])
    return otp


def _with_code(text: str, code: str) -> str:
    for placeholder in ("{{ code }}", "{{code}}", "{code}"):
        if placeholder in text:
            return text.replace(placeholder, code)
    return f"{text} {code}"


def _queue_provider_generate(otp_id: int, options: dict) -> None:
    from django_q.tasks import async_task

    async_task("campaigns.services.otp.provider_generate", otp_id, options, group="otp")


def provider_generate(otp_id: int, options: dict) -> None:
    """Task: ask the provider to generate and send its code; a refusal marks the OTP failed."""
    from providers.registry import calling

    otp = OtpRequest.objects.select_related("connection").get(pk=otp_id)
    with calling(otp.connection) as backend:
        result = backend.otp_generate(otp.to, **options)
    if result.ok:
        OtpRequest.objects.filter(pk=otp_id).update(provider_reference=result.reference or otp.to)
    else:
        OtpRequest.objects.filter(pk=otp_id).update(max_attempts=0)


def verify(otp: OtpRequest, code: str) -> Verification:
    """Check a code; counts the attempt first so parallel guesses cannot exceed the limit."""
    state = status_of(otp)
    if state != "pending":
        return Verification(False, "already_verified" if state == "verified" else state, _left(otp))
    counted = OtpRequest.objects.filter(pk=otp.pk, attempts__lt=F("max_attempts"), verified_at__isnull=True).update(
        attempts=F("attempts") + 1
    )
    otp.refresh_from_db(fields=["attempts", "verified_at", "provider_reference"])
    if not counted:
        return Verification(False, "too_many_attempts", 0)
    ok = _provider_says_ok(otp, code) if not otp.code_hash else code_matches(otp.code_hash, code)
    if not ok:
        return Verification(False, "invalid_code", _left(otp))
    won = OtpRequest.objects.filter(pk=otp.pk, verified_at__isnull=True).update(verified_at=timezone.now())
    return Verification(bool(won), "verified" if won else "already_verified", _left(otp))


def _provider_says_ok(otp: OtpRequest, code: str) -> bool:
    from providers.registry import calling

    if not otp.provider_reference:
        return False  # the provider has not confirmed sending yet
    with calling(otp.connection) as backend:
        return backend.otp_verify(otp.provider_reference, code).ok


def _left(otp: OtpRequest) -> int:
    return max(0, otp.max_attempts - otp.attempts)


def apply_charging(connection, event) -> str:
    """A charging notification (V-Appstore caas/chargingNotification) for a charge an OTP
    authorised: found by the reference its generate call returned; paid amount, currency and
    outcome stored on the OTP. The money is the subscriber's payment collected by the
    provider, not the account's prepaid credit, so the ledger balance does not move."""
    from decimal import Decimal, InvalidOperation

    data = event.data or {}
    reference = str(data.get("reference") or "")
    if not reference:
        return "unknown_message"
    otp = (
        OtpRequest.objects.filter(connection=connection)
        .filter(Q(provider_reference=reference) | Q(provider_reference__startswith=f"{reference}:"))
        .order_by("-pk")
        .first()
    )
    if otp is None:
        return "unknown_message"
    try:
        amount = Decimal(str(data.get("paid_amount") or data.get("total_amount") or "0"))
    except InvalidOperation:
        amount = None
    fields = {
        "charge_status": "paid" if data.get("ok") else "failed",
        "charge_amount": amount,
        "charge_currency": str(data.get("currency") or "")[:8],
        "charge_detail": str(data.get("status_detail") or data.get("status_code") or "")[:300],
        "charged_at": timezone.now(),
    }
    changed = OtpRequest.objects.filter(pk=otp.pk).exclude(charge_status="paid").update(**fields)
    return "applied" if changed else "duplicate"
