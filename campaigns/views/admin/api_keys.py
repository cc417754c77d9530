"""API keys: account admins create them (the key is shown once), see when each was last
used, and revoke them."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from campaigns.models import ApiKey, EventDelivery, EventSubscription, Subaccount
from campaigns.views.admin.paging import keyset_page
from portal.tenancy import admin_required, get_scoped, scoped


class ApiKeyForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What uses it, e.g. “shop backend”.")
    subaccount = forms.ModelChoiceField(
        queryset=Subaccount.objects.none(),
        required=False,
        empty_label="Whole account",
        help_text="A subaccount key sees and sends only within that subaccount (plus shared lists, templates and sender IDs).",
    )
    read_only = forms.BooleanField(required=False, label="Read-only (lists and reads, never sends or changes anything)")

    def __init__(self, *args, account, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subaccount"].queryset = Subaccount.objects.filter(account=account, is_active=True)


@admin_required
def api_key_list(request: HttpRequest) -> HttpResponse:
    form = ApiKeyForm(account=request.account)
    return render(request, "admin_area/api_keys.html", {"keys": _keys(request), "form": form})


@admin_required
@require_POST
def api_key_create(request: HttpRequest) -> HttpResponse:
    form = ApiKeyForm(request.POST, account=request.account)
    if not form.is_valid():
        return render(request, "admin_area/api_keys.html", {"keys": _keys(request), "form": form}, status=400)
    key, raw = ApiKey.generate(account=request.account, created_by=request.user, **form.cleaned_data)
    # Rendered, not redirected: the raw key must never be stored, not even in the session.
    response = render(request, "admin_area/api_keys_created.html", {"key": key, "raw_key": raw})
    response["Cache-Control"] = "no-store"
    return response


@admin_required
@require_POST
def api_key_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    key = get_scoped(request, ApiKey.objects.all(), subaccount_field=None, pk=pk)
    key.revoke()
    messages.success(request, f"The key {key.name} ({key.prefix}…) is revoked; requests with it now answer 401.")
    return redirect("admin_area:api_keys")


def _keys(request: HttpRequest):
    return scoped(request, ApiKey.objects.select_related("subaccount", "created_by"), subaccount_field=None).order_by(
        "revoked_at", "-created_at"
    )


@admin_required
def event_deliveries(request: HttpRequest) -> HttpResponse:
    """Outbound event subscriptions (managed through the API) and every delivery attempt."""
    subscriptions = list(scoped(request, EventSubscription.objects.select_related("subaccount"), subaccount_field=None))
    deliveries = scoped(
        request, EventDelivery.objects.select_related("subscription").prefetch_related("attempt_log"), subaccount_field=None
    )
    chosen = next((s for s in subscriptions if str(s.pk) == request.GET.get("subscription")), None)
    if chosen is not None:
        deliveries = deliveries.filter(subscription=chosen)
    if request.GET.get("status") in EventDelivery.Status.values:
        deliveries = deliveries.filter(status=request.GET["status"])
    context = {
        "subscriptions": subscriptions,
        "chosen": chosen,
        "statuses": EventDelivery.Status.choices,
        "page": keyset_page(request, deliveries, size=30),
    }
    return render(request, "admin_area/api_keys_events.html", context)
