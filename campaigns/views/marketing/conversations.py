"""Conversations: the inbox as one thread per contact; reply, assign, mark done."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from campaigns.models import Campaign, ConsentRecord, Conversation, Suppression, Template
from campaigns.services import conversations as service
from campaigns.services.messaging import SendError
from campaigns.views.marketing.paging import search_term
from portal.tenancy import get_scoped, member_required, scoped, sender_required

FILTERS = ("unread", "opted_out", "mine")


def visible(request: HttpRequest) -> QuerySet:
    """The account's conversations; a subaccount user sees theirs and the shared ones."""
    return scoped(request, Conversation.objects.all())


def with_opt_out(qs: QuerySet) -> QuerySet:
    suppressed = Suppression.objects.filter(account_id=OuterRef("account_id"), phone=OuterRef("phone"))
    return qs.annotate(opted_out=Exists(suppressed))


def filtered(request: HttpRequest, qs: QuerySet) -> tuple[QuerySet, dict]:
    show = request.GET.get("show", "open")
    show = show if show in ("open", "done", "all") else "open"
    if show != "all":
        qs = qs.filter(status=show)
    chosen = {name: request.GET.get(name) == "1" for name in FILTERS}
    if chosen["unread"]:
        qs = qs.filter(unread__gt=0)
    if chosen["opted_out"]:
        qs = qs.filter(opted_out=True)
    if chosen["mine"]:
        qs = qs.filter(assigned_to=request.user)
    campaign = request.GET.get("campaign", "")
    if campaign.isdigit() and len(campaign) <= 18:
        qs = qs.filter(Q(last_campaign_id=campaign) | Q(inbound_messages__campaign_id=campaign)).distinct()
    q = search_term(request)
    if q:
        qs = qs.filter(Q(phone__contains=q.lstrip("+")) | Q(contact__first_name__icontains=q) | Q(contact__last_name__icontains=q))
    return qs, {"show": show, "campaign": campaign, "q": q, **chosen}


@member_required
def conversation_list(request: HttpRequest) -> HttpResponse:
    qs = service.with_unread(with_opt_out(visible(request)), request.user).select_related("contact", "assigned_to", "last_campaign")
    qs, chosen = filtered(request, qs)
    page = Paginator(qs.order_by("-last_message_at", "-id"), 50).get_page(request.GET.get("page"))
    replied_to = scoped(request, Campaign.objects.filter(inbound_messages__isnull=False)).distinct().order_by("-id")[:50]
    context = {"page": page, "campaigns": replied_to, "unread_total": service.unread_total(visible(request), request.user), **chosen}
    return render(request, "conversations/index.html", context)


@member_required
def conversation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = get_scoped(request, Conversation.objects.select_related("contact", "assigned_to", "connection", "subaccount"), pk=pk)
    service.mark_read(conversation, request.user)
    rules = service.reply_rules(conversation)
    context = {
        "conversation": conversation,
        "items": service.thread(conversation),
        "rules": rules,
        "consent": _latest_consent(conversation),
        "templates": service.whatsapp_templates(conversation),
        "assignees": service.assignable_users(conversation),
        "routes": [reply_route(conversation, channel) for channel in rules.channels],
        "reply_key": uuid.uuid4().hex,
        "default_channel": request.GET.get("channel") if request.GET.get("channel") in rules.channels else (rules.channels or ["sms"])[0],
    }
    return render(request, "conversations/detail.html", context)


def reply_route(conversation: Conversation, channel: str) -> dict:
    """Which connection and sender a reply on this channel takes (shown under the box)."""
    connection = service.reply_connection(conversation, channel)
    sender = service.reply_sender(conversation, channel, connection)
    wrote_to = bool(sender) and sender == conversation.sender and connection.pk == conversation.connection_id
    return {"channel": channel, "connection": connection, "sender": sender, "wrote_to": wrote_to}


def _latest_consent(conversation: Conversation) -> ConsentRecord | None:
    if conversation.contact_id is None:
        return None
    return ConsentRecord.objects.filter(contact_id=conversation.contact_id).first()


@sender_required
@require_POST
def conversation_reply(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = get_scoped(request, Conversation.objects.select_related("account", "connection", "subaccount"), pk=pk)
    channel = request.POST.get("channel", "sms")
    template = _chosen_template(request, conversation) if channel == "whatsapp" else None
    try:
        service.send_reply(
            conversation,
            text=request.POST.get("text", "")[:2000],
            channel=channel,
            template=template,
            variables=request.POST.getlist("variables")[:20],
            key=request.POST.get("key", "")[:60],
            user=request.user,
        )
    except SendError as exc:
        messages.error(request, str(exc))
        again = f"?channel={channel}" if channel in ("sms", "whatsapp") else ""
        return redirect(conversation_url(conversation) + again)
    messages.success(request, "Reply sent.")
    return redirect(conversation_url(conversation))


def _chosen_template(request: HttpRequest, conversation: Conversation) -> Template | None:
    value = request.POST.get("template", "")
    if not value.isdigit() or len(value) > 18:
        return None
    return service.whatsapp_templates(conversation).filter(pk=value).first()


@sender_required
@require_POST
def conversation_assign(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = get_scoped(request, Conversation.objects.all(), pk=pk)
    value = request.POST.get("user", "")
    user = None
    if value == "me":
        user = request.user
    elif value.isdigit() and len(value) <= 18:
        user = get_user_model().objects.filter(pk=value).first()
    try:
        service.assign(conversation, user)
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Assigned to {user.email or user.username}." if user else "Nobody is assigned now.")
    return redirect(conversation_url(conversation))


@sender_required
@require_POST
def conversation_done(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = get_scoped(request, Conversation.objects.all(), pk=pk)
    done = request.POST.get("done", "1") == "1"
    service.set_done(conversation, done)
    if done:
        messages.success(request, "Marked done. A new message from the contact opens it again.")
        return redirect("conversations")
    messages.success(request, "Opened again.")
    return redirect(conversation_url(conversation))


def conversation_url(conversation: Conversation) -> str:
    from django.urls import reverse

    return reverse("conversation_detail", args=[conversation.pk])
