"""Inbound items (MO replies, USSD answers, DTMF) and provider events (subscriptions)."""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction

from campaigns.models import Contact, InboundMessage, KeywordRule, Message, Suppression
from campaigns.services import consent, conversations, keywords
from providers.base import InboundItem, ProviderEvent

log = logging.getLogger(__name__)


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
    rule = keywords.match(account_id, item.text) if item.kind == "sms" else None
    opt_out = rule is not None and rule.action == KeywordRule.Action.OPT_OUT
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
            if rule is not None:
                apply_keyword(rule, inbound)
            conversations.record_inbound(inbound, last["subaccount_id"] if last else None)
    except IntegrityError:
        return "duplicate"
    if rule is not None and rule.reply_text:
        send_auto_reply(connection, rule, inbound)
    if item.kind == "ussd" and item.session_id:
        from campaigns.services.ussd import record_answer

        record_answer(connection, item, inbound)
    _emit(inbound)
    return "applied"


def apply_keyword(rule: KeywordRule, inbound: InboundMessage) -> None:
    """Opt the number out or back in; a keyword opt-in lifts only a keyword opt-out."""
    account_id, phone = inbound.account_id, inbound.from_number
    if rule.action == KeywordRule.Action.OPT_OUT:
        Suppression.objects.get_or_create(
            account_id=account_id,
            phone=phone,
            defaults={"reason": Suppression.Reason.OPT_OUT, "source": Suppression.Source.INBOUND, "note": inbound.text[:300]},
        )
        status = consent.OUT
    elif rule.action == KeywordRule.Action.OPT_IN:
        Suppression.objects.filter(account_id=account_id, phone=phone, source=Suppression.Source.INBOUND).delete()
        status = consent.IN
    else:
        return
    proof = f"Inbound message #{inbound.pk}" + (f" ({inbound.provider_message_id})" if inbound.provider_message_id else "")
    consent.record_for_phone(account_id, phone, status, consent.Source.KEYWORD, detail=rule.keyword, proof=proof)


def send_auto_reply(connection, rule: KeywordRule, inbound: InboundMessage):
    """The rule's reply, as one message through the connection and number the contact wrote to."""
    from campaigns.services.messaging import SendError, send_single

    try:
        return send_single(
            account=connection.account,
            connection=connection,
            channel="sms",
            to=inbound.from_number,
            sender=inbound.to,
            text=rule.reply_text,
            idempotency_key=f"keyword-reply:{inbound.pk}",
        )
    except SendError as exc:
        log.warning("no auto-reply to inbound %s (%s): %s", inbound.pk, rule.keyword, exc)
        return None


def answered_message(connection, item: InboundItem, phone: str) -> dict | None:
    """The message a reply answers: the one the provider names (its id, else our own id sent
    as a correlation id), else the latest one sent to that number on the connection."""
    # The connection's account too: the last message to a number is found on (account, to).
    sent = Message.objects.filter(account_id=connection.account_id, connection=connection).values("id", "campaign_id", "subaccount_id")
    if item.reply_to_provider_id:
        named = sent.filter(provider_message_id=item.reply_to_provider_id).exclude(provider_message_id="").first()
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
            removed, _ = Suppression.objects.filter(
                account_id=connection.account_id, phone=phone, source=Suppression.Source.PROVIDER
            ).delete()
            if removed:
                consent.record_for_phone(connection.account_id, phone[:20], consent.IN, consent.Source.PROVIDER, detail=connection.name)
            outcomes.append(apply_notification(connection, event))
        elif event.kind == "unsubscription" and phone:
            _, created = Suppression.objects.get_or_create(
                account_id=connection.account_id,
                phone=phone[:20],
                defaults={"reason": Suppression.Reason.OPT_OUT, "source": Suppression.Source.PROVIDER, "note": "unsubscribed"},
            )
            if created:
                consent.record_for_phone(connection.account_id, phone[:20], consent.OUT, consent.Source.PROVIDER, detail=connection.name)
            outcomes.append(apply_notification(connection, event))
        elif event.kind == "charging":
            outcomes.append(apply_charging(connection, event))
        else:
            outcomes.append("ignored")
    return outcomes
