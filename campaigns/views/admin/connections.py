"""Provider connections: list, create/edit (credentials write-only), capabilities,
webhook URLs, per-connection stats, and 'test connection' run in a background task."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from django_q.tasks import async_task, fetch

from campaigns.forms.admin_connections import ConnectionForm
from campaigns.services.routing import breaker
from campaigns.services.stats import connection_stats as engine_connection_stats
from campaigns.views.admin.connection_routing import routing_context
from portal.tenancy import admin_required, get_scoped, scoped
from providers import registry
from providers.base import Capability, ProviderBackend
from providers.models import ProviderConnection, new_webhook_token

CHECKS_SESSION_KEY = "connection_checks"

CAPABILITY_LABELS = {
    Capability.SMS: "SMS",
    Capability.SMS_FLASH: "Flash SMS",
    Capability.SMS_UNICODE: "Unicode SMS",
    Capability.VOICE_OTP: "Voice OTP",
    Capability.VOICE_CALL: "Voice calls (recordings)",
    Capability.WHATSAPP_TEMPLATE: "WhatsApp templates",
    Capability.WHATSAPP_TEXT: "WhatsApp text",
    Capability.WHATSAPP_MEDIA: "WhatsApp media",
    Capability.USSD: "USSD menus",
    Capability.OTP: "Provider-side OTP",
    Capability.STATUS_QUERY: "Status query (reconciling unknowns)",
    Capability.CARRIER_LOOKUP: "Carrier lookup",
    Capability.BALANCE: "Balance",
    Capability.TEMPLATE_SYNC: "Template sync",
    Capability.MEDIA_UPLOAD: "Media upload",
    Capability.SCHEDULE: "Provider-side scheduling",
    Capability.INBOUND: "Inbound replies (MO)",
    Capability.SUBSCRIPTION: "Subscriptions",
}


def capability_label(cap: Capability) -> str:
    return CAPABILITY_LABELS.get(cap, cap.value)


def backend_or_404(slug: str) -> type[ProviderBackend]:
    try:
        return registry.backend_class(slug)
    except (registry.UnknownProvider, ImportError) as exc:
        raise Http404(f"No provider called {slug!r} is installed.") from exc


def connection_stats(account) -> dict[int, dict[str, Any]]:
    """Queue depth, send rate and error rate per connection id, from the engine's stats service."""
    return {row["connection_id"]: row for row in engine_connection_stats(account)}


def provider_info(backend: type[ProviderBackend]) -> dict[str, Any]:
    """What templates show about a provider (a class itself would be called by the template engine)."""
    return {
        "slug": backend.slug,
        "name": backend.name,
        "notes": backend.notes,
        "default_base_url": backend.default_base_url,
        "channels": [c.value for c in backend.channels()],
        "capabilities": [capability_label(c) for c in Capability if c in backend.capabilities],
        "reports_balance": backend.supports(Capability.BALANCE),
    }


def capability_rows(backend: type[ProviderBackend]) -> list[tuple[str, bool]]:
    return [(capability_label(cap), backend.supports(cap)) for cap in Capability]


def webhook_urls(connection: ProviderConnection, backend: type[ProviderBackend]) -> list[tuple[str, str]]:
    """The intake URL, plus one per kind for providers that post different kinds to different URLs."""
    urls = [("All reports", connection.webhook_url())]
    for kind in backend.webhook_kinds:
        slug, label = kind if isinstance(kind, tuple) else (kind, kind)
        urls.append((label, connection.webhook_url(slug)))
    return urls


@admin_required
def connection_list(request: HttpRequest) -> HttpResponse:
    connections = list(scoped(request, ProviderConnection.objects.all(), subaccount_field=None))
    names = dict(safe_choices())
    out = breaker.open_connection_ids([c.pk for c in connections])
    for conn in connections:
        conn.provider_name = names.get(conn.provider, conn.provider)
        conn.out_of_rotation = conn.pk in out
    context = {"connections": connections, "stats": connection_stats(request.account)}
    return render(request, "admin_area/connections/list.html", context)


def safe_choices() -> list[tuple[str, str]]:
    try:
        return registry.choices()
    except ImportError:
        return []


@admin_required
def connection_new(request: HttpRequest) -> HttpResponse:
    slug = request.GET.get("provider") or request.POST.get("provider")
    if not slug:
        providers = [provider_info(registry.backend_class(s)) for s, _ in safe_choices()]
        return render(request, "admin_area/connections/choose.html", {"providers": providers, "all_caps": list(Capability)})
    backend = backend_or_404(slug)
    form = ConnectionForm(request.POST or None, backend=backend, account=request.account)
    if request.method == "POST" and form.is_valid():
        conn = form.save()
        messages.success(request, f"Connection {conn.name} saved. Copy its webhook URL into {backend.name}, then test it.")
        return redirect("admin_area:connection_detail", pk=conn.pk)
    return render(request, "admin_area/connections/form.html", {"form": form, "backend": provider_info(backend), "connection": None})


@admin_required
def connection_edit(request: HttpRequest, pk: int) -> HttpResponse:
    conn = get_scoped(request, ProviderConnection.objects.all(), subaccount_field=None, pk=pk)
    backend = backend_or_404(conn.provider)
    form = ConnectionForm(request.POST or None, backend=backend, account=request.account, instance=conn)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Connection {conn.name} updated.")
        return redirect("admin_area:connection_detail", pk=conn.pk)
    return render(request, "admin_area/connections/form.html", {"form": form, "backend": provider_info(backend), "connection": conn})


@admin_required
def connection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    conn = get_scoped(request, ProviderConnection.objects.all(), subaccount_field=None, pk=pk)
    backend = backend_or_404(conn.provider)
    context = {
        "connection": conn,
        "backend": provider_info(backend),
        "capabilities": capability_rows(backend),
        "webhooks": webhook_urls(conn, backend),
        "served": [c.value for c in backend.channels() if conn.serves(c.value)],
        "stored_credentials": [(spec.label, bool(conn.get_credentials().get(spec.name))) for spec in backend.credential_fields],
        "stats": connection_stats(request.account).get(conn.pk),
        "check_pending": check_pending(request, conn.pk),
        **routing_context(conn),
    }
    return render(request, "admin_area/connections/detail.html", context)


@admin_required
@require_POST
def connection_test(request: HttpRequest, pk: int) -> HttpResponse:
    conn = get_scoped(request, ProviderConnection.objects.all(), subaccount_field=None, pk=pk)
    task_id = async_task("providers.checks.check_connection", conn.pk, task_name=f"check connection {conn.pk}")
    checks = request.session.get(CHECKS_SESSION_KEY, {})
    checks[str(conn.pk)] = task_id
    request.session[CHECKS_SESSION_KEY] = checks
    messages.info(request, f"Testing {conn.name} in the background; the result appears below.")
    return redirect("admin_area:connection_detail", pk=conn.pk)


@admin_required
@require_POST
def connection_rotate_token(request: HttpRequest, pk: int) -> HttpResponse:
    """A new secret webhook address; the old one answers 404 from now on."""
    conn = get_scoped(request, ProviderConnection.objects.all(), subaccount_field=None, pk=pk)
    conn.webhook_token = new_webhook_token()
    conn.save(update_fields=["webhook_token"])
    messages.warning(request, f"New webhook URL for {conn.name}: update it at the provider now; the old one no longer works.")
    return redirect("admin_area:connection_detail", pk=conn.pk)


def check_pending(request: HttpRequest, pk: int) -> bool:
    """True while the check this user asked for has not finished (its task has no result yet)."""
    task_id = request.session.get(CHECKS_SESSION_KEY, {}).get(str(pk))
    return bool(task_id) and fetch(task_id) is None


@admin_required
def connection_check_status(request: HttpRequest, pk: int) -> JsonResponse:
    conn = get_scoped(request, ProviderConnection.objects.all(), subaccount_field=None, pk=pk)
    return JsonResponse(
        {
            "pending": check_pending(request, conn.pk),
            "ok": conn.last_check_ok,
            "message": conn.last_check_message,
            "balance": None if conn.balance is None else str(conn.balance),
            "currency": conn.balance_currency,
            "checked_at": conn.balance_checked_at.isoformat() if conn.balance_checked_at else None,
        }
    )
