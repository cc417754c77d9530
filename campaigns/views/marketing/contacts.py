"""Contacts: search, keyset paging, add (duplicates merged), edit, delete."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from campaigns.forms.contacts import ContactForm
from campaigns.forms.fields import object_id
from campaigns.models import Campaign, Contact, ContactField, ContactList, ListMembership, Message, Suppression
from campaigns.services import consent
from campaigns.services.links import contact_clicks
from campaigns.services.subscriptions import SUBSCRIPTION_FILTERS, filter_by_subscription, subscription_connections
from campaigns.views.marketing.paging import keyset_page, search_term, with_count
from portal.tenancy import get_scoped, member_required, scoped, sender_required


def account_contacts(request: HttpRequest) -> QuerySet:
    # Contacts belong to the whole account (no subaccount): one address book per customer.
    return scoped(request, Contact.objects.all(), subaccount_field=None)


def search_contacts(qs: QuerySet, q: str) -> QuerySet:
    """Phone prefix (with or without +) or a name fragment."""
    q = q.strip()
    if not q:
        return qs
    digits = q.replace(" ", "").replace("-", "").lstrip("+")
    if digits.isdigit():
        return qs.filter(phone__startswith="+" + digits) if len(digits) >= 2 else qs.filter(phone__contains=digits)
    terms = Q()
    for word in q.split()[:3]:
        terms &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    return qs.filter(terms)


def filtered_contacts(request: HttpRequest, params) -> QuerySet:
    """The contacts a search box and list filter select (from GET or a bulk action's POST)."""
    qs = search_contacts(account_contacts(request), params.get("q", "").replace("\x00", "").strip()[:100])
    list_id = object_id(params.get("list"))
    if list_id is not None:
        # Scoped like the list itself: another subaccount's list selects nobody, as a missing one does.
        qs = qs.filter(memberships__contact_list__in=scoped(request, ContactList.objects.filter(pk=list_id)).values("pk"))
    subscription = params.get("subscription", "")
    if subscription in SUBSCRIPTION_FILTERS:
        qs = filter_by_subscription(qs, subscription)
    return qs


@member_required
def contact_list(request: HttpRequest) -> HttpResponse:
    qs = filtered_contacts(request, request.GET)
    page = with_count(keyset_page(request, qs), qs)
    lists = scoped(request, ContactList.objects.all())
    context = {
        "q": search_term(request),
        "lists": lists,
        "list_id": request.GET.get("list", ""),
        "subscription": request.GET.get("subscription", ""),
        "keeps_subscriptions": subscription_connections(request.account.pk).exists(),
        **page.context(),
    }
    return render(request, "contacts/list.html", context)


@sender_required
@require_POST
def contact_bulk_add(request: HttpRequest) -> HttpResponse:
    """Put every contact the current search selects on a list, in chunks of inserts."""
    target_id = object_id(request.POST.get("target"))
    if target_id is None:
        raise Http404("Choose a list.")
    target = get_scoped(request, ContactList.objects.all(), pk=target_id)
    ids = filtered_contacts(request, request.POST).values_list("id", flat=True).order_by("id")
    added = 0
    with transaction.atomic():
        for chunk in _chunks(ids.iterator(chunk_size=5000), 5000):
            rows = ListMembership.objects.bulk_create(
                [ListMembership(contact_list=target, contact_id=i) for i in chunk], ignore_conflicts=True, batch_size=1000
            )
            added += len(rows)
    messages.success(request, f"{added:,} contact(s) are now on the list “{target.name}” (those already on it stay once).")
    return redirect("list_detail", pk=target.pk)


def _chunks(iterable, size: int):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _list_queryset(request: HttpRequest) -> QuerySet:
    return scoped(request, ContactList.objects.all())


def _save_contact(form: ContactForm, request: HttpRequest, contact: Contact | None) -> tuple[Contact, bool]:
    """Save the form; a new contact whose number exists is merged into the existing one."""
    data = form.cleaned_data
    merged = False
    if contact is None:
        contact = Contact.objects.filter(account=request.account, phone=data["phone"]).first()
        merged = contact is not None
        contact = contact or Contact(account=request.account, phone=data["phone"])
    contact.phone = data["phone"]
    contact.first_name = data["first_name"] or (contact.first_name if merged else "")
    contact.last_name = data["last_name"] or (contact.last_name if merged else "")
    attributes = data["custom_fields"]
    contact.attributes = {**(contact.attributes or {}), **attributes} if merged else attributes
    with transaction.atomic():
        contact.save()
        for key in attributes:
            ContactField.objects.get_or_create(account=request.account, key=key, defaults={"label": key.replace("_", " ").title()})
        chosen = {cl.pk for cl in data["lists"]}
        allowed = set(_list_queryset(request).values_list("pk", flat=True))
        current = set(contact.memberships.values_list("contact_list_id", flat=True)) & allowed
        if not merged:
            ListMembership.objects.filter(contact=contact, contact_list_id__in=current - chosen).delete()
        ListMembership.objects.bulk_create(
            [ListMembership(contact=contact, contact_list_id=i) for i in chosen - current], ignore_conflicts=True
        )
    return contact, merged


@sender_required
def contact_create(request: HttpRequest) -> HttpResponse:
    form = ContactForm(request.POST or None, account=request.account, list_queryset=_list_queryset(request))
    if request.method == "POST" and form.is_valid():
        contact, merged = _save_contact(form, request, None)
        note = "This number was already a contact: the details were merged into it." if merged else "Contact added."
        messages.success(request, note)
        return redirect("contact_detail", pk=contact.pk)
    return render(request, "contacts/form.html", {"form": form, "title": "Add a contact"})


@sender_required
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_scoped(request, Contact.objects.all(), subaccount_field=None, pk=pk)
    form = ContactForm(request.POST or None, instance=contact, account=request.account, list_queryset=_list_queryset(request))
    if request.method == "POST" and form.is_valid():
        _save_contact(form, request, contact)
        messages.success(request, "Contact saved.")
        return redirect("contact_detail", pk=contact.pk)
    return render(request, "contacts/form.html", {"form": form, "contact": contact, "title": f"Edit {contact}"})


@member_required
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_scoped(request, Contact.objects.all(), subaccount_field=None, pk=pk)
    context = {
        "contact": contact,
        "lists": _list_queryset(request).filter(memberships__contact=contact),
        "suppression": Suppression.objects.filter(account=request.account, phone=contact.phone).first(),
        "suppression_reasons": Suppression.Reason.choices,
        "recent_messages": _recent_messages(request, contact),
        "replies": contact.inbound_messages.filter(account=request.account)[:10],
        "subscriptions": subscription_rows(contact),
        "consent_history": consent.history(contact)[:50],
        "clicks": contact_clicks(contact, scoped(request, Campaign.objects.all())),
    }
    return render(request, "contacts/detail.html", context)


def subscription_rows(contact: Contact) -> list[dict]:
    """One row per connection that keeps subscriptions: its state for this contact (or none)."""
    states = {s.connection_id: s for s in contact.subscriptions.all()}
    return [{"connection": c, "subscription": states.get(c.pk)} for c in subscription_connections(contact.account_id)]


def _recent_messages(request: HttpRequest, contact: Contact) -> list[Message]:
    # Ids first through the contact index: ordering the big table by id would make the
    # database walk the account's newest messages looking for this contact's.
    ids = sorted(contact.messages.order_by().values_list("id", flat=True)[:2000], reverse=True)[:10]
    return list(scoped(request, Message.objects.filter(pk__in=ids).select_related("campaign")).order_by("-id"))


@sender_required
@require_POST
def contact_delete(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_scoped(request, Contact.objects.all(), subaccount_field=None, pk=pk)
    contact.delete()
    messages.success(request, f"Contact {contact.phone} deleted.")
    return redirect("contacts")
