"""Message templates: SMS texts (with the live counter), WhatsApp templates synced from the
provider, voice call templates."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from django_q.tasks import async_task

from campaigns.forms.templates import TemplateForm
from campaigns.models import Template
from portal.tenancy import get_scoped, member_required, scoped, sender_required
from providers.base import Capability
from providers.models import ProviderConnection
from providers.registry import backends


def _connections(request: HttpRequest):
    return scoped(request, ProviderConnection.objects.filter(is_active=True), subaccount_field=None)


def _sync_connections(request: HttpRequest) -> list[ProviderConnection]:
    return [c for c in _connections(request) if c.provider in backends() and Capability.TEMPLATE_SYNC in c.capabilities()]


@member_required
def template_index(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    qs = scoped(request, Template.objects.select_related("connection"))
    if kind in Template.Kind.values:
        qs = qs.filter(kind=kind)
    context = {"templates": qs[:500], "kind": kind, "kinds": Template.Kind.choices, "sync_connections": _sync_connections(request)}
    return render(request, "templates_app/index.html", context)


@sender_required
def template_create(request: HttpRequest) -> HttpResponse:
    return _edit(request, Template(account=request.account, subaccount=request.membership.subaccount, kind="sms"))


@sender_required
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_scoped(request, Template.objects.all(), pk=pk)
    if template.kind == Template.Kind.WHATSAPP:
        messages.error(request, "WhatsApp templates are edited at the provider; sync them again to see changes.")
        return redirect("templates")
    return _edit(request, template)


def _edit(request: HttpRequest, template: Template) -> HttpResponse:
    form = TemplateForm(request.POST or None, instance=template, connections=_connections(request))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Template “{template.name}” saved.")
        return redirect("templates")
    return render(request, "templates_app/form.html", {"form": form, "template": template})


@sender_required
@require_POST
def template_delete(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_scoped(request, Template.objects.all(), pk=pk)
    template.delete()
    messages.success(request, f"Template “{template.name}” deleted.")
    return redirect("templates")


@sender_required
@require_POST
def template_sync(request: HttpRequest) -> HttpResponse:
    """Queue a sync of WhatsApp templates from the chosen connection's provider."""
    wanted = request.POST.get("connection", "")
    found = [c for c in _sync_connections(request) if str(c.pk) == wanted]
    if not found:
        messages.error(request, "Choose a connection that can list its WhatsApp templates.")
        return redirect("templates")
    async_task("campaigns.services.template_sync.sync_templates", found[0].pk, task_name=f"template-sync-{found[0].pk}")
    messages.success(request, f"Syncing templates from {found[0].name}; they appear here in a moment.")
    return redirect("templates")
