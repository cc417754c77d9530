"""Provider operations a marketer starts from a page: a list's carrier lookup, a contact's
subscription change. The provider is called in a task (lookup) or once (subscription)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from campaigns.models import Contact, ContactList
from campaigns.services.carrier import lookup_connection, queue_list_lookup
from campaigns.services.subscriptions import SubscriptionError, change, subscription_connections
from portal.tenancy import get_scoped, sender_required


@sender_required
@require_POST
def list_carrier_lookup(request: HttpRequest, pk: int) -> HttpResponse:
    contact_list = get_scoped(request, ContactList.objects.all(), pk=pk)
    connection = lookup_connection(request.account.pk)
    if connection is None:
        messages.error(request, "No active connection can look carriers up (Wavy can).")
    else:
        queue_list_lookup(contact_list.pk)
        messages.success(request, f"Looking up the carriers of this list through {connection.name}; the networks appear as they come.")
    return redirect("list_detail", pk=pk)


@sender_required
@require_POST
def contact_subscription(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_scoped(request, Contact.objects.all(), subaccount_field=None, pk=pk)
    connection = subscription_connections(request.account.pk).filter(pk=_int(request.POST.get("connection"))).first()
    action = request.POST.get("action")
    if connection is None or action not in ("register", "unregister"):
        messages.error(request, "Choose a subscription connection and register or unregister.")
        return redirect("contact_detail", pk=pk)
    try:
        subscription = change(contact, connection, action == "register", source="portal")
    except SubscriptionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{contact.phone} is {subscription.get_status_display().lower()} on {connection.name}.")
    return redirect("contact_detail", pk=pk)


def _int(value) -> int:
    return int(value) if str(value or "").isdigit() else 0
