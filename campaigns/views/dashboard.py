"""The account overview: balance, delivery rate, recent campaigns with their progress."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from campaigns.models import Campaign, Contact, InboundMessage
from campaigns.services.counts import account_counts
from campaigns.views.marketing.campaign_state import breakdown
from campaigns.views.marketing.campaigns import campaign_rows, counts_for, progress
from campaigns.views.marketing.paging import capped_count
from portal.tenancy import member_required, scoped


@member_required
def home(request: HttpRequest) -> HttpResponse:
    account = request.account
    recent = list(scoped(request, Campaign.objects.select_related("connection")).filter(is_test=False).order_by("-id")[:8])
    counts = counts_for([c.pk for c in recent])
    rows = campaign_rows(recent, counts)
    contacts, capped = capped_count(Contact.objects.filter(account=account))
    totals = account_counts(account)
    context = {
        "rows": rows,
        "overall": progress(totals),
        "status_rows": [[row["status"], row["count"]] for row in breakdown(totals)],
        "active": scoped(request, Campaign.objects.filter(status__in=["running", "scheduled", "paused"])).count(),
        "contacts": contacts,
        "contacts_capped": capped,
        "replies": scoped(request, InboundMessage.objects.select_related("contact"), subaccount_field=None)[:5],
    }
    return render(request, "dashboard/home.html", context)
