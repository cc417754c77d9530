"""Billing: balance, top-ups (through the ledger service), prices and the ledger."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from campaigns.forms.admin_billing import LedgerFilterForm, PriceForm, TopUpForm
from campaigns.models import LedgerEntry, Price
from campaigns.services.ledger import top_up
from campaigns.views.admin.paging import keyset_page
from portal.tenancy import admin_required, get_scoped, scoped


def billing_context(request: HttpRequest, topup_form: TopUpForm | None = None) -> dict:
    filters = LedgerFilterForm(request.GET or None, account=request.account)
    entries = scoped(request, LedgerEntry.objects.select_related("subaccount", "campaign", "created_by"), subaccount_field=None)
    return {
        "prices": scoped(request, Price.objects.all(), subaccount_field=None).order_by("channel", "prefix"),
        "topup_form": topup_form or TopUpForm(account=request.account),
        "filters": filters,
        "page": keyset_page(request, filters.apply(entries), size=50),
    }


@admin_required
def billing_home(request: HttpRequest) -> HttpResponse:
    request.account.refresh_from_db(fields=["balance", "reserved"])
    return render(request, "admin_area/billing/home.html", billing_context(request))


@admin_required
@require_POST
def topup_create(request: HttpRequest) -> HttpResponse:
    form = TopUpForm(request.POST, account=request.account)
    if not form.is_valid():
        return render(request, "admin_area/billing/home.html", billing_context(request, form), status=400)
    data = form.cleaned_data
    entry = top_up(request.account, data["amount"], user=request.user, description=data["description"], subaccount=data["subaccount"])
    messages.success(request, f"Added {entry.amount:.2f} {request.account.currency}; the balance is now {entry.balance_after:.2f}.")
    return redirect("admin_area:billing")


@admin_required
def price_new(request: HttpRequest) -> HttpResponse:
    return price_form(request, Price())


@admin_required
def price_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return price_form(request, get_scoped(request, Price.objects.all(), subaccount_field=None, pk=pk))


def price_form(request: HttpRequest, price: Price) -> HttpResponse:
    form = PriceForm(request.POST or None, instance=price, account=request.account)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, f"Price saved: {saved}.")
        return redirect("admin_area:billing")
    return render(request, "admin_area/billing/price_form.html", {"form": form, "price": price})


@admin_required
@require_POST
def price_delete(request: HttpRequest, pk: int) -> HttpResponse:
    price = get_scoped(request, Price.objects.all(), subaccount_field=None, pk=pk)
    price.delete()
    messages.success(request, f"Price removed: {price}.")
    return redirect("admin_area:billing")
