"""Sender IDs: members see the approved ones, senders request, admins decide."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from campaigns.forms.admin_senders import SENDER_CHANNELS, SenderDecisionForm, SenderRequestForm
from campaigns.models import SenderID
from campaigns.services.approvals import apply_decision
from portal.tenancy import admin_required, get_scoped, member_required, scoped, sender_required

LIST_LIMIT = 500
STATUS_FILTERS = [("", "Every status"), *SenderID.Status.choices]


@member_required
def sender_list(request: HttpRequest) -> HttpResponse:
    senders = scoped(request, SenderID.objects.select_related("connection", "subaccount", "requested_by"))
    is_admin = request.membership.is_admin
    status = request.GET.get("status", "requested" if is_admin and senders.filter(status="requested").exists() else "")
    if not is_admin:
        # Members see what they may use, and their own requests.
        senders = senders.filter(Q(status=SenderID.Status.APPROVED) | Q(requested_by=request.user))
    if status in SenderID.Status.values:
        senders = senders.filter(status=status)
    channel = request.GET.get("channel", "")
    if channel:
        senders = senders.filter(channel=channel)
    rows = list(senders.order_by("status", "channel", "value")[: LIST_LIMIT + 1])
    context = {
        "senders": rows[:LIST_LIMIT],
        "truncated": len(rows) > LIST_LIMIT,
        "status": status,
        "channel": channel,
        "status_filters": STATUS_FILTERS,
        "channel_choices": SENDER_CHANNELS,
        "pending_count": scoped(request, SenderID.objects.filter(status="requested")).count() if is_admin else 0,
    }
    return render(request, "admin_area/senders/list.html", context)


@sender_required
def sender_request(request: HttpRequest) -> HttpResponse:
    initial = {"channel": request.GET["channel"]} if request.GET.get("channel") in dict(SENDER_CHANNELS) else {}
    form = SenderRequestForm(request.POST or None, account=request.account, membership=request.membership, initial=initial)
    if request.method == "POST" and form.is_valid():
        sender = form.save(request.user)
        messages.success(request, f"Sender ID {sender.value} requested; an admin will review it.")
        return redirect("admin_area:senders")
    return render(request, "admin_area/senders/request.html", {"form": form})


@admin_required
def sender_detail(request: HttpRequest, pk: int) -> HttpResponse:
    sender = get_scoped(request, SenderID.objects.select_related("connection", "requested_by", "decided_by"), pk=pk)
    form = SenderDecisionForm(sender=sender)
    return render(request, "admin_area/senders/detail.html", {"sender": sender, "form": form})


@admin_required
@require_POST
def sender_decide(request: HttpRequest, pk: int) -> HttpResponse:
    sender = get_scoped(request, SenderID.objects.all(), pk=pk)
    form = SenderDecisionForm(request.POST, sender=sender)
    if not form.is_valid():
        return render(request, "admin_area/senders/detail.html", {"sender": sender, "form": form}, status=400)
    apply_decision(sender, form.cleaned_data["action"], form.cleaned_data["note"], request.user)
    messages.success(request, f"Sender ID {sender.value} is now {sender.get_status_display().lower()}.")
    return redirect("admin_area:senders")
