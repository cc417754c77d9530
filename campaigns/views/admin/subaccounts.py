"""Subaccounts: their spend (charges net of refunds), credit limit and members."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from campaigns.forms.admin_subaccounts import SubaccountForm
from campaigns.models import LedgerEntry, Subaccount
from portal.tenancy import admin_required, get_scoped, scoped

SPEND_KINDS = (LedgerEntry.Kind.CHARGE, LedgerEntry.Kind.REFUND)


def spend_by_subaccount(account) -> dict[int | None, Decimal]:
    """Charges are negative ledger amounts, refunds positive: spend is minus their sum."""
    rows = LedgerEntry.objects.filter(account=account, kind__in=SPEND_KINDS).values("subaccount").annotate(total=Sum("amount"))
    return {row["subaccount"]: -(row["total"] or Decimal("0")) for row in rows}


@admin_required
def subaccount_list(request: HttpRequest) -> HttpResponse:
    subaccounts = list(
        scoped(request, Subaccount.objects.all(), subaccount_field=None).annotate(
            member_count=Count("memberships", filter=Q(memberships__user__is_active=True))
        )
    )
    spend = spend_by_subaccount(request.account)
    for sub in subaccounts:
        sub.spend = spend.get(sub.pk, Decimal("0"))
        sub.over_limit = sub.credit_limit is not None and sub.spend >= sub.credit_limit
        sub.limit_used = min(100, int(100 * sub.spend / sub.credit_limit)) if sub.credit_limit else None
    context = {"subaccounts": subaccounts, "unassigned_spend": spend.get(None, Decimal("0"))}
    return render(request, "admin_area/subaccounts/list.html", context)


@admin_required
def subaccount_new(request: HttpRequest) -> HttpResponse:
    return subaccount_form(request, Subaccount())


@admin_required
def subaccount_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return subaccount_form(request, get_scoped(request, Subaccount.objects.all(), subaccount_field=None, pk=pk))


def subaccount_form(request: HttpRequest, subaccount: Subaccount) -> HttpResponse:
    form = SubaccountForm(request.POST or None, instance=subaccount, account=request.account)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, f"Subaccount {saved.name} saved.")
        return redirect("admin_area:subaccounts")
    return render(request, "admin_area/subaccounts/form.html", {"form": form, "subaccount": subaccount})
