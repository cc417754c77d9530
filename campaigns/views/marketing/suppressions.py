"""The suppression list: numbers no campaign sends to, with the reason."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from campaigns.forms.contacts import SuppressionForm
from campaigns.models import Suppression
from campaigns.views.marketing.paging import keyset_page, search_term, with_count
from portal.tenancy import get_scoped, member_required, scoped, sender_required


def _suppressions(request: HttpRequest):
    return scoped(request, Suppression.objects.all(), subaccount_field=None)


@member_required
def suppression_index(request: HttpRequest) -> HttpResponse:
    qs = _suppressions(request)
    q = search_term(request).replace(" ", "")
    if q:
        qs = qs.filter(phone__contains=q.lstrip("+"))
    reason = request.GET.get("reason", "")
    if reason in Suppression.Reason.values:
        qs = qs.filter(reason=reason)
    page = with_count(keyset_page(request, qs), qs)
    form = SuppressionForm(account=request.account)
    context = {"form": form, "q": q, "reason": reason, "reasons": Suppression.Reason.choices, **page.context()}
    return render(request, "contacts/suppressions.html", context)


@sender_required
def suppression_add(request: HttpRequest) -> HttpResponse:
    form = SuppressionForm(request.POST or None, account=request.account)
    if request.method == "POST" and form.is_valid():
        item = form.save(commit=False)
        item.account, item.source = request.account, Suppression.Source.MANUAL
        item.save()
        messages.success(request, f"{item.phone} will not receive campaigns any more.")
        return redirect("suppressions")
    return render(request, "contacts/suppression_form.html", {"form": form})


@sender_required
@require_POST
def suppression_remove(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_scoped(request, Suppression.objects.all(), subaccount_field=None, pk=pk)
    item.delete()
    messages.success(request, f"{item.phone} removed from the suppression list.")
    return redirect("suppressions")
