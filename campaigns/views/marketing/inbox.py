"""Inbox: replies (MO SMS), USSD answers and DTMF, linked to contact and campaign."""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from campaigns.models import InboundMessage
from campaigns.views.marketing.paging import keyset_page, search_term
from portal.tenancy import member_required, scoped


@member_required
def inbox(request: HttpRequest) -> HttpResponse:
    qs = scoped(request, InboundMessage.objects.select_related("contact", "campaign"), subaccount_field=None)
    if not request.membership.is_admin and request.membership.subaccount_id:
        # Replies to another subaccount's campaign stay with it; unattributed ones are shared.
        qs = qs.filter(
            Q(campaign__isnull=True) | Q(campaign__subaccount_id=request.membership.subaccount_id) | Q(campaign__subaccount__isnull=True)
        )
    kind = request.GET.get("kind", "")
    if kind in InboundMessage.Kind.values:
        qs = qs.filter(kind=kind)
    if request.GET.get("opt_out") == "1":
        qs = qs.filter(is_opt_out=True)
    q = search_term(request)
    if q:
        qs = qs.filter(Q(from_number__contains=q.lstrip("+")) | Q(text__icontains=q))
    page = keyset_page(request, qs, size=50)
    context = {"kind": kind, "kinds": InboundMessage.Kind.choices, "q": q, "opt_out": request.GET.get("opt_out") == "1", **page.context()}
    return render(request, "inbox/index.html", context)
