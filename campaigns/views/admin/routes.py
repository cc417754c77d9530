"""Routes: which connections carry a channel's messages to which destinations, and how
the connection is chosen (in order, split by share, or least cost)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from campaigns.forms.admin_routes import RouteForm
from campaigns.models import Route, RouteConnection
from campaigns.models.senders import CHANNEL_CHOICES
from campaigns.services.routing import breaker
from campaigns.services.routing.routes import Member, delete_route, save_route
from portal.tenancy import admin_required, get_scoped, scoped


def _routes(request: HttpRequest):
    members = Prefetch("members", queryset=RouteConnection.objects.select_related("connection").order_by("position", "pk"))
    return scoped(request, Route.objects.select_related("subaccount").prefetch_related(members), subaccount_field=None)


def destination(route: Route) -> str:
    """The route's match in words: "Prefix +92300", "Country PK", "Every destination"."""
    if route.match_kind == Route.Match.PREFIX:
        return f"Numbers starting +{route.match_value}"
    if route.match_kind == Route.Match.DEFAULT:
        return "Every other destination"
    return f"{route.get_match_kind_display()} {route.match_value}"


def _channel_groups(routes: list[Route]) -> list[dict[str, Any]]:
    opened = breaker.open_connection_ids({m.connection_id for r in routes for m in r.members.all()})
    for route in routes:
        route.destination = destination(route)
        route.member_list = [{"member": m, "out": m.connection_id in opened} for m in route.members.all()]
    return [{"channel": label, "routes": [r for r in routes if r.channel == value]} for value, label in CHANNEL_CHOICES]


@admin_required
def route_list(request: HttpRequest) -> HttpResponse:
    routes = sorted(_routes(request), key=lambda r: (r.channel, r.match_kind == Route.Match.DEFAULT, r.name.lower()))
    return render(request, "admin_area/routes/list.html", {"groups": _channel_groups(routes), "has_routes": bool(routes)})


@admin_required
def route_new(request: HttpRequest) -> HttpResponse:
    channel = request.GET.get("channel", "sms")
    return route_form(request, Route(channel=channel if channel in dict(CHANNEL_CHOICES) else "sms"))


@admin_required
def route_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return route_form(request, get_scoped(request, Route.objects.all(), subaccount_field=None, pk=pk))


@admin_required
@require_POST
def route_delete(request: HttpRequest, pk: int) -> HttpResponse:
    route = get_scoped(request, Route.objects.all(), subaccount_field=None, pk=pk)
    delete_route(route)
    messages.success(request, f"Route {route.name} deleted.")
    return redirect("admin_area:routes")


def route_form(request: HttpRequest, route: Route) -> HttpResponse:
    form = RouteForm(request.POST or None, instance=route, account=request.account)
    if request.method == "POST" and form.is_valid():
        members = [Member(connection=conn, position=i, weight=weight) for i, (conn, weight) in enumerate(form.members)]
        saved = save_route(form.save(), members)
        messages.success(
            request, f"Route {saved.name} saved. New messages follow it; messages already handed to a provider stay where they are."
        )
        return redirect("admin_area:routes")
    return render(request, "admin_area/routes/form.html", {"form": form, "route": route})
