"""Billing for account admins: balance, the low-balance warning level, prices (read only:
platform staff set them and add credit) and the ledger, charges grouped per campaign per day
with a drill-down to the batches and messages behind each line."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from campaigns.forms.admin_billing import LedgerDrillDownForm, LedgerFilterForm
from campaigns.models import LedgerEntry, Message, Price
from campaigns.services.ledger_groups import charges_of_group, day_bounds, ledger_page
from campaigns.views.admin.paging import before_param
from portal.tenancy import admin_required, scoped

MESSAGES_SHOWN = 100
BATCHES_SHOWN = 200


def ledger_context(request: HttpRequest, entries) -> dict:
    filters = LedgerFilterForm(request.GET or None, account=request.account)
    return {"filters": filters, "page": ledger_page(filters.apply(entries), before=before_param(request))}


@admin_required
def billing_home(request: HttpRequest) -> HttpResponse:
    request.account.refresh_from_db(fields=["balance", "reserved", "low_balance_threshold"])
    entries = scoped(request, LedgerEntry.objects.all(), subaccount_field=None)
    context = {
        "prices": scoped(request, Price.objects.all(), subaccount_field=None).order_by("channel", "prefix"),
        **ledger_context(request, entries),
    }
    return render(request, "admin_area/billing/home.html", context)


@admin_required
def topup_moved(request: HttpRequest) -> HttpResponse:
    """Top-ups are platform staff's: an old link lands on the billing page, a POST is refused."""
    if request.method == "POST":
        raise PermissionDenied("Only platform staff can add credit.")
    return redirect("admin_area:billing")


@admin_required
def ledger_line(request: HttpRequest) -> HttpResponse:
    """The charges (one per send batch) and the charged messages behind one ledger line."""
    form = LedgerDrillDownForm(request.GET, account=request.account)
    if not form.is_valid():
        return render(request, "admin_area/billing/line.html", {"form": form}, status=400)
    day, campaign, subaccount = (form.cleaned_data[k] for k in ("day", "campaign", "subaccount"))
    entries = scoped(request, LedgerEntry.objects.all(), subaccount_field=None)
    charges = charges_of_group(entries, day, campaign and campaign.pk, subaccount and subaccount.pk)
    totals = charges.aggregate(amount=Sum("amount"), messages=Sum("message_count"), batches=Count("id"))
    context = {
        "day": day,
        "campaign": campaign,
        "subaccount": subaccount,
        "charges": charges.order_by("id")[:BATCHES_SHOWN],
        "batches_shown": BATCHES_SHOWN,
        "charged": -Decimal(str(totals["amount"] or 0)),
        "message_total": totals["messages"] or 0,
        "batch_total": totals["batches"],
        "charged_messages": _charged_messages(request, day, campaign, subaccount)[:MESSAGES_SHOWN],
        "messages_shown": MESSAGES_SHOWN,
    }
    return render(request, "admin_area/billing/line.html", context)


def _charged_messages(request: HttpRequest, day, campaign, subaccount):
    start, end = day_bounds(day)
    messages = scoped(request, Message.objects.select_related("contact"), subaccount_field=None).filter(
        cost__gt=0, submitted_at__gte=start, submitted_at__lt=end
    )
    if campaign is not None:
        return messages.filter(campaign=campaign).order_by("submitted_at", "id")
    messages = messages.filter(campaign__isnull=True)
    messages = messages.filter(subaccount=subaccount) if subaccount else messages.filter(subaccount__isnull=True)
    return messages.order_by("submitted_at", "id")
