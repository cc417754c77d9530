"""Conversations: the inbox as one thread per contact number.

Fed by the functions that record what happens: ``record_inbound`` when an inbound message
is stored (campaigns/services/inbound.py), ``note_outbound`` when a single message is created
(campaigns/services/messaging.py). Campaign messages do not open conversations; they show in
the thread of a contact who wrote to us. Replies go out as single messages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import ExpressionWrapper, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from campaigns.models import (
    Contact,
    Conversation,
    ConversationRead,
    InboundMessage,
    Membership,
    Message,
    SenderID,
    Suppression,
    Template,
)
from campaigns.services import audit, keywords
from campaigns.services.messaging import SendError, send_single

PREVIEW_LENGTH = 200
THREAD_LIMIT = 200


# --- feeding -----------------------------------------------------------------------


def record_inbound(inbound: InboundMessage, subaccount_id: int | None) -> Conversation:
    """File the inbound message in its conversation (made on first contact): one more
    message from the contact (unread for everyone until they open it), the latest text, and a conversation marked done opens again."""
    conversation = _get_or_create(inbound.account_id, subaccount_id, inbound.from_number, inbound.received_at)
    Conversation.objects.filter(pk=conversation.pk).update(
        inbound_count=F("inbound_count") + 1,
        status=Conversation.Status.OPEN,
        done_at=None,
        last_message_at=inbound.received_at,
        last_inbound_at=inbound.received_at,
        last_text=_preview(inbound.text),
        last_direction=Conversation.Direction.IN,
        contact_id=inbound.contact_id or conversation.contact_id,
        connection_id=inbound.connection_id or conversation.connection_id,
        sender=inbound.to or conversation.sender,
        last_campaign_id=inbound.campaign_id or conversation.last_campaign_id,
    )
    InboundMessage.objects.filter(pk=inbound.pk).update(conversation=conversation)
    inbound.conversation = conversation
    return conversation


def _get_or_create(account_id: int, subaccount_id: int | None, phone: str, at: datetime) -> Conversation:
    lookup = {"account_id": account_id, "subaccount_id": subaccount_id, "phone": phone}
    found = Conversation.objects.filter(**lookup).first()
    if found is not None:
        return found
    contact_id = Contact.objects.filter(account_id=account_id, phone=phone).values_list("pk", flat=True).first()
    try:
        with transaction.atomic():
            return Conversation.objects.create(**lookup, contact_id=contact_id, last_message_at=at)
    except IntegrityError:  # another worker filed the same contact's first message at once
        return Conversation.objects.get(**lookup)


def note_outbound(message: Message) -> None:
    """A single message to a number with a conversation becomes its latest line."""
    if message.test_of_id is not None:
        return
    Conversation.objects.filter(account_id=message.account_id, subaccount_id=message.subaccount_id, phone=message.to).update(
        last_message_at=message.created_at,
        last_text=_preview(message.text or _payload_summary(message.payload)),
        last_direction=Conversation.Direction.OUT,
    )


def _preview(text: str) -> str:
    line = " ".join((text or "").split())
    return line if len(line) <= PREVIEW_LENGTH else line[: PREVIEW_LENGTH - 1] + "…"


def _payload_summary(payload: dict) -> str:
    kind = str((payload or {}).get("type") or "")
    return f"WhatsApp {kind}" if kind else ""


# --- reading -----------------------------------------------------------------------


@dataclass
class ThreadItem:
    direction: str  # "in" | "out"
    at: datetime
    text: str
    kind: str  # sms, ussd, dtmf, or the message's channel
    message: Message | None = None
    inbound: InboundMessage | None = None
    keyword: str = ""  # the keyword rule's action an inbound message matched: opt_out, opt_in, help

    @property
    def is_outbound(self) -> bool:
        return self.direction == "out"


def thread_messages(conversation: Conversation) -> QuerySet:
    """The messages sent to the contact within the conversation's subaccount (no test sends)."""
    qs = Message.objects.filter(account_id=conversation.account_id, to=conversation.phone, test_of__isnull=True)
    if conversation.subaccount_id:
        return qs.filter(subaccount_id=conversation.subaccount_id)
    return qs.filter(subaccount__isnull=True)


def thread(conversation: Conversation, limit: int = THREAD_LIMIT) -> list[ThreadItem]:
    """Every inbound message, USSD answer and message sent, newest first."""
    inbound = list(conversation.inbound_messages.select_related("campaign").order_by("-received_at", "-id")[:limit])
    sent = list(thread_messages(conversation).select_related("campaign").order_by("-created_at", "-id")[:limit])
    matched = _keyword_actions(conversation.account_id, inbound)
    items = [
        ThreadItem("in", m.received_at, m.text, m.kind, inbound=m, keyword="opt_out" if m.is_opt_out else matched.get(m.pk, ""))
        for m in inbound
    ]
    items += [ThreadItem("out", m.created_at, m.text or _payload_summary(m.payload), m.channel, message=m) for m in sent]
    items.sort(key=lambda item: item.at, reverse=True)
    return items[:limit]


def _keyword_actions(account_id: int, inbound: list[InboundMessage]) -> dict[int, str]:
    words = {m.pk: keywords.normalize(m.text) for m in inbound if m.kind == InboundMessage.Kind.SMS}
    wanted = {w for w in words.values() if w and len(w) <= 40}
    if not wanted:
        return {}
    actions = dict(keywords.rules_for(account_id).filter(normalized__in=wanted, is_active=True).values_list("normalized", "action"))
    return {pk: actions[word] for pk, word in words.items() if word in actions}


def opt_out_of(conversation: Conversation) -> Suppression | None:
    return Suppression.objects.filter(account_id=conversation.account_id, phone=conversation.phone).first()


def mark_read(conversation: Conversation, user) -> None:
    """``user`` has read everything in the thread so far; their colleagues have not."""
    now = timezone.now()
    seen = Conversation.objects.filter(pk=conversation.pk).values_list("inbound_count", flat=True).first() or 0
    Conversation.objects.filter(pk=conversation.pk).update(read_at=now, read_by=user)
    conversation.read_at, conversation.read_by, conversation.unread = now, user, 0
    if getattr(user, "pk", None) is None:
        return
    if not ConversationRead.objects.filter(conversation=conversation, user=user).update(seen=seen, read_at=now):
        try:
            with transaction.atomic():
                ConversationRead.objects.create(conversation=conversation, user=user, seen=seen, read_at=now)
        except IntegrityError:  # the same user opened it twice at once
            ConversationRead.objects.filter(conversation=conversation, user=user).update(seen=seen, read_at=now)


def with_unread(conversations: QuerySet, user) -> QuerySet:
    """Annotates ``unread``: messages from the contact ``user`` has not read yet. Without a
    user (an API key): the messages nobody has read yet."""
    reads = ConversationRead.objects.filter(conversation=OuterRef("pk"))
    if getattr(user, "pk", None) is not None:
        reads = reads.filter(user=user)
    seen = Subquery(reads.order_by("-seen").values("seen")[:1], output_field=IntegerField())
    return conversations.annotate(unread=ExpressionWrapper(F("inbound_count") - Coalesce(seen, 0), output_field=IntegerField()))


def assign(conversation: Conversation, user) -> None:
    """Give the conversation to a user of its account who can see it (None: nobody)."""
    if user is not None and user not in assignable_users(conversation):
        raise ValueError("That user cannot take this conversation.")
    before = conversation.assigned_to_id
    Conversation.objects.filter(pk=conversation.pk).update(assigned_to=user)
    conversation.assigned_to = user
    audit.record("conversation.assigned", target=conversation, changes={"assigned_to": [_user_label(before), _user_label(user)]})


def _user_label(user) -> str | None:
    if isinstance(user, int):
        user = get_user_model().objects.filter(pk=user).first()
    return (user.email or user.get_username()) if user is not None else None


def assignable_users(conversation: Conversation) -> list:
    """Admins and marketers of the account who see the conversation."""
    members = Membership.objects.filter(account_id=conversation.account_id, role__in=["admin", "marketer"]).select_related("user")
    if conversation.subaccount_id:
        members = members.filter(Q(role="admin") | Q(subaccount_id=conversation.subaccount_id) | Q(subaccount__isnull=True))
    return [m.user for m in members.order_by("user__email") if m.user.is_active]


def set_done(conversation: Conversation, done: bool) -> None:
    status = Conversation.Status.DONE if done else Conversation.Status.OPEN
    Conversation.objects.filter(pk=conversation.pk).update(status=status, done_at=timezone.now() if done else None)
    changed, conversation.status = conversation.status != status, status
    if changed:
        audit.record("conversation.done" if done else "conversation.reopened", target=conversation)


def unread_total(conversations: QuerySet, user) -> int:
    """Open conversations with messages ``user`` has not read (the navigation's count)."""
    return with_unread(conversations.filter(status=Conversation.Status.OPEN), user).filter(unread__gt=0).count()


# --- replying ----------------------------------------------------------------------


@dataclass
class ReplyRules:
    """What the reply box may send now, and why not."""

    channels: list[str]
    whatsapp_free_text: bool
    whatsapp_window_ends: datetime | None
    whatsapp_reason: str
    opted_out: Suppression | None


def reply_rules(conversation: Conversation, now: datetime | None = None) -> ReplyRules:
    now = now or timezone.now()
    channels = [c for c in ("sms", "whatsapp") if reply_connection(conversation, c) is not None]
    free, ends, reason = whatsapp_window(conversation, now)
    return ReplyRules(channels, free, ends, reason, opt_out_of(conversation))


def whatsapp_window(conversation: Conversation, now: datetime) -> tuple[bool, datetime | None, str]:
    """(free text allowed, when the window closes, why a template is needed)."""
    connection = reply_connection(conversation, "whatsapp")
    window = _window_length(connection)
    if connection is None:
        return False, None, "The account has no connection that sends WhatsApp."
    if window is None:
        return False, None, f"{connection.name} sends WhatsApp templates only."
    if conversation.last_inbound_at is None:
        return False, None, "The contact has not written to you, so WhatsApp allows only a template."
    ends = conversation.last_inbound_at + window
    if now >= ends:
        hours = int(window.total_seconds() // 3600)
        return (
            False,
            ends,
            f"The contact last wrote more than {hours} hours ago: outside WhatsApp's customer-care window only a template may be sent.",
        )
    return True, ends, ""


def _window_length(connection) -> timedelta | None:
    if connection is None:
        return None
    from providers.registry import UnknownProvider, backend_class

    try:
        return backend_class(connection.provider).whatsapp_free_text_window
    except UnknownProvider:
        return None


def reply_connection(conversation: Conversation, channel: str):
    """The connection the contact wrote to, else the account's first that sends the channel."""
    from providers.models import ProviderConnection

    own = conversation.connection
    if own is not None and own.is_active and own.serves(channel):
        return own
    for connection in ProviderConnection.objects.filter(account_id=conversation.account_id, is_active=True).order_by("pk"):
        if connection.serves(channel):
            return connection
    return None


def reply_sender(conversation: Conversation, channel: str, connection) -> str:
    """The number the contact wrote to (same connection), else an approved sender ID."""
    if channel == "sms" and conversation.sender and conversation.connection_id == connection.pk:
        return conversation.sender
    approved = SenderID.objects.filter(account_id=conversation.account_id, channel=channel, status=SenderID.Status.APPROVED).filter(
        Q(connection=connection) | Q(connection__isnull=True)
    )
    if conversation.subaccount_id:
        approved = approved.filter(Q(subaccount_id=conversation.subaccount_id) | Q(subaccount__isnull=True))
    first = approved.order_by("connection_id", "pk").first()
    return first.value if first else ""


def whatsapp_templates(conversation: Conversation) -> QuerySet:
    connection = reply_connection(conversation, "whatsapp")
    qs = Template.objects.filter(account_id=conversation.account_id, kind=Template.Kind.WHATSAPP).exclude(provider_template_id="")
    if connection is not None:
        qs = qs.filter(Q(connection=connection) | Q(connection__isnull=True))
    if conversation.subaccount_id:
        qs = qs.filter(Q(subaccount_id=conversation.subaccount_id) | Q(subaccount__isnull=True))
    return qs


def send_reply(
    conversation: Conversation,
    *,
    text: str = "",
    channel: str = "sms",
    template: Template | None = None,
    variables: list[str] | None = None,
    key: str = "",
    user=None,
) -> Message:
    """One single message to the contact; SendError says why it cannot go."""
    if channel not in ("sms", "whatsapp"):
        raise SendError("Replies go by SMS or WhatsApp.")
    suppression = opt_out_of(conversation)
    if suppression is not None:
        raise SendError(f"{conversation.phone} opted out ({suppression.get_reason_display().lower()}): no message may be sent to them.")
    connection = reply_connection(conversation, channel)
    if connection is None:
        raise SendError(f"The account has no active connection that sends {channel}.")
    text = (text or "").replace("\x00", "").strip()
    variables = [str(v).replace("\x00", "") for v in variables or []]
    payload: dict = {}
    if channel == "whatsapp":
        text, payload = _whatsapp_content(conversation, text, template, variables)
    elif not text:
        raise SendError("Write a reply first.")
    idempotency_key = f"reply:{conversation.pk}:{key}"[:120] if key else ""
    repeated = (
        bool(idempotency_key) and Message.objects.filter(account_id=conversation.account_id, idempotency_key=idempotency_key).exists()
    )
    message = send_single(
        account=conversation.account,
        connection=connection,
        channel=channel,
        to=conversation.phone,
        sender=reply_sender(conversation, channel, connection),
        text=text,
        payload=payload,
        subaccount=conversation.subaccount,
        idempotency_key=idempotency_key,
        user=user,
    )
    if not repeated:
        audit.record("conversation.replied", target=conversation, changes={"message": message.pk, "channel": channel})
    return message


def _whatsapp_content(conversation: Conversation, text: str, template: Template | None, variables: list[str]) -> tuple[str, dict]:
    if template is not None:
        if not whatsapp_templates(conversation).filter(pk=template.pk).exists():
            raise SendError("That WhatsApp template cannot be used here.")
        return "", {"type": "template", "template_id": template.provider_template_id, "variables": [str(v) for v in variables]}
    free, _, reason = whatsapp_window(conversation, timezone.now())
    if not free:
        raise SendError(reason + " Choose a template.")
    if not text:
        raise SendError("Write a reply first.")
    return text, {"type": "text"}
