"""Single sends (API, test sends, USSD menu steps): create the message, queue its task.
The provider is never called in the request."""

from __future__ import annotations

import logging
from decimal import Decimal

import phonenumbers
from django.db import IntegrityError, transaction

from campaigns.formatting import format_money
from campaigns.models import Account, Message, StatusCount
from campaigns.rendering import render
from campaigns.services import ledger, limits
from campaigns.services.estimate import PriceBook, units_for
from campaigns.services.pacing import connection_key, wait_for_slot
from campaigns.services.routing import cost_for
from campaigns.services.smsinfo import billed_counter, sms_info
from providers.base import MessageStatus as S

log = logging.getLogger(__name__)


class SendError(ValueError):
    """The message cannot be sent as asked (a clear reason in the text)."""


def normalize_number(value: str) -> str:
    try:
        number = phonenumbers.parse(value.strip(), None)
    except phonenumbers.NumberParseException as exc:
        raise SendError(f"{value!r} is not a phone number in international format (+...).") from exc
    if not phonenumbers.is_valid_number(number):
        raise SendError(f"{value!r} is not a valid phone number.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def send_single(
    *,
    account: Account,
    connection,
    channel: str,
    to: str,
    sender: str = "",
    text: str = "",
    payload: dict | None = None,
    flash: bool = False,
    subaccount=None,
    idempotency_key: str = "",
    user=None,
    render_with: dict | None = None,
    route=None,
) -> Message:
    """Create one pending message, reserve its price and queue its send task.

    Raises SendError for bad input (number, content, connection, balance). With an
    ``idempotency_key`` already used on the account, returns that message instead.
    ``route``: the route that chose ``connection`` (campaigns/services/routing); a message
    with one fails over along it, one without stays on the connection it was given."""
    if idempotency_key:
        existing = Message.objects.filter(account=account, idempotency_key=idempotency_key).first()
        if existing:
            return existing
    if connection is None or connection.account_id != account.pk or not connection.is_active:
        raise SendError("No usable provider connection.")
    if not connection.serves(channel):
        raise SendError(f"The connection {connection.name} does not send {channel}.")
    to = normalize_number(to)
    if render_with is not None:
        from campaigns.services.materialize import render_payload

        text = render(text, render_with)
        payload = render_payload(payload or {}, render_with)
    if channel in ("sms",) and not text.strip():
        raise SendError("The message text is empty.")
    refused = limits.text_problems(connection, channel, text) + limits.sender_problems(connection, channel, sender)
    if refused:
        raise SendError(" ".join(refused))
    info = sms_info(text)
    price = PriceBook(account.pk, channel).lookup(to)
    segments = billed_counter(connection)(text, info.segments) if channel == "sms" else info.segments
    units = units_for(channel, price, segments)
    amount = (price.amount if price else Decimal("0")) * units
    with transaction.atomic():
        if not ledger.reserve(account.pk, amount):
            raise SendError(f"The balance does not cover this message ({format_money(amount, account.currency)} needed).")
        try:
            with transaction.atomic():
                message = Message.objects.create(
                    account=account,
                    subaccount=subaccount,
                    connection=connection,
                    channel=channel,
                    sender=sender,
                    to=to,
                    text=text,
                    payload=payload or {},
                    flash=flash,
                    encoding=info.encoding,
                    segments=units,
                    price=price.amount if price else Decimal("0"),
                    route=route,
                    connection_cost=cost_for(connection, channel, to, units) or Decimal("0"),
                    idempotency_key=idempotency_key,
                )
        except IntegrityError:
            existing = Message.objects.filter(account=account, idempotency_key=idempotency_key).first()
            if existing is None:
                raise
            ledger.release(account.pk, amount)
            return existing
        StatusCount.objects.create(account=account, campaign=None, status=S.PENDING, count=1)
    queue_send([message.pk])
    return message


def queue_send(ids: list[int]) -> None:
    from django_q.tasks import async_task

    async_task("campaigns.tasks.send_messages", list(ids), group="single")


def send_messages(ids: list[int]) -> int:
    """Task: send pending single messages (no campaign), grouped by connection."""
    from campaigns.services.pipeline import send_chunk
    from providers.models import ProviderConnection
    from providers.registry import backend_for

    groups: dict[int, list[int]] = {}
    for pk, conn_id in Message.objects.filter(pk__in=ids, status=S.PENDING).values_list("pk", "connection_id"):
        groups.setdefault(conn_id, []).append(pk)
    sent = 0
    for conn_id, msg_ids in groups.items():
        connection = ProviderConnection.objects.get(pk=conn_id)
        backend = backend_for(connection)
        size = max(backend.bulk_size, backend.concurrency * 12)
        for start in range(0, len(msg_ids), size):
            chunk = msg_ids[start : start + size]
            wait = wait_for_slot([(connection_key(conn_id), float(connection.mps or 0))], len(chunk))
            if wait:
                import time

                time.sleep(wait)
            sent += send_chunk(backend, chunk).attempted
    return sent
