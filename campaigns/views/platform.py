"""The platform area, for Django staff users (a role above account admins): every account,
its balance and ledger, credit top-ups (audited in the ledger with who added them and why)
and its prices."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from campaigns.formatting import format_money
from campaigns.forms.admin_billing import PriceForm, TopUpForm
from campaigns.forms.composer import zone_or_utc
from campaigns.models import Account, LedgerEntry, Price
from campaigns.services.ledger import top_up
from campaigns.services.ledger_groups import ledger_page
from campaigns.views.admin.paging import before_param
from portal.tenancy import staff_required


@staff_required
def account_list(request: HttpRequest) -> HttpResponse:
    accounts = Account.objects.annotate(available_amount=F("balance") - F("reserved")).order_by("name")
    return render(request, "platform/accounts.html", {"accounts": accounts})


@staff_required
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(Account, pk=pk)
    with timezone.override(zone_or_utc(account.timezone)):  # the same days and times its admins see
        context = {
            "acct": account,
            "prices": Price.objects.filter(account=account).order_by("channel", "prefix"),
            "topup_form": TopUpForm(account=account),
            "page": ledger_page(LedgerEntry.objects.filter(account=account), before=before_param(request), size=25),
        }
        return render(request, "platform/account.html", context)


@staff_required
def account_top_up(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(Account, pk=pk)
    form = TopUpForm(request.POST or None, account=account)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        entry = top_up(account, data["amount"], user=request.user, description=data["reason"], subaccount=data["subaccount"])
        added, now = format_money(entry.amount, account.currency), format_money(entry.balance_after, account.currency)
        messages.success(request, f"Added {added} to {account.name}; its balance is now {now}.")
        return redirect("platform:account", pk=account.pk)
    return render(request, "platform/top_up.html", {"acct": account, "form": form}, status=400 if form.errors else 200)


@staff_required
def price_new(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(Account, pk=pk)
    return _price_form(request, account, Price(account=account))


@staff_required
def price_edit(request: HttpRequest, pk: int, price_pk: int) -> HttpResponse:
    account = get_object_or_404(Account, pk=pk)
    return _price_form(request, account, get_object_or_404(Price, account=account, pk=price_pk))


def _price_form(request: HttpRequest, account: Account, price: Price) -> HttpResponse:
    form = PriceForm(request.POST or None, instance=price, account=account)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, f"Price saved for {account.name}: {saved}.")
        return redirect(reverse("platform:account", kwargs={"pk": account.pk}) + "#prices-h")
    return render(request, "platform/price_form.html", {"acct": account, "form": form, "price": price})


@staff_required
@require_POST
def price_delete(request: HttpRequest, pk: int, price_pk: int) -> HttpResponse:
    price = get_object_or_404(Price, account_id=pk, pk=price_pk)
    price.delete()
    messages.success(request, f"Price removed: {price}.")
    return redirect("platform:account", pk=pk)
