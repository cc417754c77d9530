"""Inbound items (MO replies, USSD answers, DTMF) and provider events (subscriptions)."""

from __future__ import annotations

import logging
import re

from django.db import IntegrityError, transaction

from campaigns.models import Contact, InboundMessage, Message, Suppression
from providers.base import InboundItem, ProviderEvent

log = logging.getLogger(__name__)

OPT_OUT_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "END", "CANCEL", "QUIT", "OPTOUT", "REMOVE", "UNSUB"}
_WORD = re.compile(r"[A-Za-z]+")


def is_opt_out(text: str) -> bool:
    """ "STOP", "stop please", "Opt out": the first word (or "opt out") decides."""
    words = _WORD.findall(text or "")
    if not words:
        return False
    first = words[0].upper()
    return first in OPT_OUT_WORDS or (first == "OPT" and len(words) > 1 and words[1].upper() == "OUT")


def apply_inbound(connection, items: list[InboundItem]) -> list[str]:
    """Store each item once (deduplicated on the provider's id); returns outcomes."""
    outcomes = []
    for item in items:
        outcomes.append(_apply_one(connection, item))
    return outcomes


def _apply_one(connection, item: InboundItem) -> str:
    account_id = connection.account_id
    phone = (
        item.from_number if item.from_number.startswith("+") else f"+{item.from_number}" if item.from_number.isdigit() else item.from_number
    )
    if (
        item.provider_message_id
        and InboundMessage.objects.filter(connection=connection, provider_message_id=item.provider_message_id).exists()
    ):
        return "duplicate"
    contact_id = Contact.objects.filter(account_id=account_id, phone=phone).values_list("id", flat=True).first()
    last = answered_message(connection, item, phone)
    opt_out = item.kind == "sms" and is_opt_out(item.text)
    try:
        with transaction.atomic():
            inbound = InboundMessage.objects.create(
                account_id=account_id,
                connection=connection,
                kind=item.kind if item.kind in InboundMessage.Kind.values else InboundMessage.Kind.SMS,
                from_number=phone[:20],
                to=(item.to or "")[:20],
                text=item.text or "",
                provider_message_id=(item.provider_message_id or "")[:80],
                session_id=(item.session_id or "")[:80],
                contact_id=contact_id,
                campaign_id=last["campaign_id"] if last else None,
                message_id=last["id"] if last else None,
                is_opt_out=opt_out,
                raw=item.raw or {},
            )
            if opt_out:
                Suppression.objects.get_or_create(
                    account_id=account_id,
                    phone=phone,
                    defaults={"reason": Suppression.Reason.OPT_OUT, "source": Suppression.Source.INBOUND, "note": (item.text or "")[:300]},
                )
    except IntegrityError:
        return "duplicate"
    if item.kind == "ussd" and item.session_id:
        from campaigns.services.ussd import record_answer

        record_answer(connection, item, inbound)
    _emit(inbound)
    return "applied"


def answered_message(connection, item: InboundItem, phone: str) -> dict | None:
    """The message a reply answers: the one the provider names (its id, else our own id sent
    as a correlation id), else the latest one sent to that number on the connection."""
    sent = Message.objects.filter(connection=connection).values("id", "campaign_id")
    if item.reply_to_provider_id:
        named = sent.filter(provider_message_id=item.reply_to_provider_id).first()
        if named:
            return named
    if item.reply_to_message_id:
        named = sent.filter(pk=item.reply_to_message_id, to=phone).first()
        if named:
            return named
    return sent.filter(to=phone).order_by("-id").first()


def _emit(inbound: InboundMessage) -> None:
    try:
        from campaigns.services.events import emit_event, inbound_payload

        emit_event(inbound.account_id, "message.inbound", inbound_payload(inbound))
    except Exception:
        log.exception("could not emit message.inbound")


def apply_events(connection, events: list[ProviderEvent]) -> list[str]:
    from campaigns.services.otp import apply_charging
    from campaigns.services.subscriptions import apply_notification

    outcomes = []
    for event in events:
        phone = event.phone if event.phone.startswith("+") or not event.phone else f"+{event.phone}"
        if event.kind == "subscription" and phone:
            Contact.objects.get_or_create(account_id=connection.account_id, phone=phone[:20])
            Suppression.objects.filter(account_id=connection.account_id, phone=phone, source=Suppression.Source.PROVIDER).delete()
            outcomes.append(apply_notification(connection, event))
        elif event.kind == "unsubscription" and phone:
            Suppression.objects.get_or_create(
                account_id=connection.account_id,
                phone=phone[:20],
                defaults={"reason": Suppression.Reason.OPT_OUT, "source": Suppression.Source.PROVIDER, "note": "unsubscribed"},
            )
            outcomes.append(apply_notification(connection, event))
        elif event.kind == "charging":
            outcomes.append(apply_charging(connection, event))
        else:
            outcomes.append("ignored")
    return outcomes
