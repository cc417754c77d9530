"""The account overview: balance, the chosen period's rates and trend with a per-day chart,
recent campaigns with their progress."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from campaigns.models import Campaign, Contact, InboundMessage
from campaigns.services.dashboard import PERIODS, chosen_period, period_figures
from campaigns.services.rates import DELIVERY_RATE_HELP
from campaigns.views.marketing.campaigns import campaign_rows, counts_for
from campaigns.views.marketing.paging import capped_count
from portal.tenancy import member_required, scoped


@member_required
def home(request: HttpRequest) -> HttpResponse:
    account = request.account
    recent = list(scoped(request, Campaign.objects.select_related("connection")).filter(is_test=False).order_by("-id")[:8])
    counts = counts_for([c.pk for c in recent])
    rows = campaign_rows(recent, counts)
    contacts, capped = capped_count(Contact.objects.filter(account=account))
    period = chosen_period(request.GET.get("period"))
    context = {
        "rows": rows,
        "period": period_figures(account, period),
        "periods": PERIODS,
        "rate_help": DELIVERY_RATE_HELP,
        "active": scoped(request, Campaign.objects.filter(status__in=["running", "scheduled", "paused"])).count(),
        "contacts": contacts,
        "contacts_capped": capped,
        "replies": scoped(request, InboundMessage.objects.select_related("contact"), subaccount_field=None)[:5],
    }
    return render(request, "dashboard/home.html", context)
