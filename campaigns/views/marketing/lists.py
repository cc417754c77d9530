"""Contact lists and their members."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from campaigns.forms.contacts import AddMemberForm, ContactListForm
from campaigns.models import Contact, ContactList, ListMembership
from campaigns.services.carrier import lookup_connection
from campaigns.views.marketing.contacts import search_contacts
from campaigns.views.marketing.paging import keyset_page, search_term, with_count
from portal.tenancy import get_scoped, member_required, scoped, sender_required


@member_required
def list_index(request: HttpRequest) -> HttpResponse:
    lists = scoped(request, ContactList.objects.all()).annotate(size=Count("memberships"))
    return render(request, "lists/index.html", {"lists": lists})


@sender_required
def list_create(request: HttpRequest) -> HttpResponse:
    form = ContactListForm(request.POST or None, account=request.account)
    if request.method == "POST" and form.is_valid():
        contact_list = form.save(commit=False)
        contact_list.account, contact_list.subaccount = request.account, request.membership.subaccount
        contact_list.save()
        messages.success(request, f"List “{contact_list.name}” created.")
        return redirect("list_detail", pk=contact_list.pk)
    return render(request, "lists/form.html", {"form": form, "title": "New list"})


@sender_required
def list_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contact_list = get_scoped(request, ContactList.objects.all(), pk=pk)
    form = ContactListForm(request.POST or None, instance=contact_list, account=request.account)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "List renamed.")
        return redirect("list_detail", pk=pk)
    return render(request, "lists/form.html", {"form": form, "title": f"Rename {contact_list.name}", "contact_list": contact_list})


@member_required
def list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contact_list = get_scoped(request, ContactList.objects.all(), pk=pk)
    q = search_term(request)
    members = search_contacts(Contact.objects.filter(account=request.account, memberships__contact_list=contact_list), q)
    page = with_count(keyset_page(request, members), members)
    context = {
        "contact_list": contact_list,
        "q": q,
        "form": AddMemberForm(),
        "can_look_up": lookup_connection(request.account.pk),
        **page.context(),
    }
    return render(request, "lists/detail.html", context)


@sender_required
@require_POST
def list_add_member(request: HttpRequest, pk: int) -> HttpResponse:
    contact_list = get_scoped(request, ContactList.objects.all(), pk=pk)
    form = AddMemberForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["phone"]))
        return redirect("list_detail", pk=pk)
    contact, created = Contact.objects.get_or_create(account=request.account, phone=form.cleaned_data["phone"])
    ListMembership.objects.get_or_create(contact_list=contact_list, contact=contact)
    messages.success(request, f"{contact.phone} {'created and ' if created else ''}added to the list.")
    return redirect("list_detail", pk=pk)


@sender_required
@require_POST
def list_remove_member(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    contact_list = get_scoped(request, ContactList.objects.all(), pk=pk)
    deleted, _ = ListMembership.objects.filter(contact_list=contact_list, contact_id=contact_pk).delete()
    messages.success(request, "Removed from the list." if deleted else "That contact was not on the list.")
    return redirect("list_detail", pk=pk)


@sender_required
@require_POST
def list_delete(request: HttpRequest, pk: int) -> HttpResponse:
    contact_list = get_scoped(request, ContactList.objects.all(), pk=pk)
    contact_list.delete()
    messages.success(request, f"List “{contact_list.name}” deleted (its contacts stay).")
    return redirect("lists")
