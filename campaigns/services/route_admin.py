"""Saving and deleting routes (web admin pages), audited where the change is made."""

from __future__ import annotations

from django.db import transaction

from campaigns.models import Route, RouteConnection
from campaigns.services import audit

ROUTE_FIELDS = ["name", "channel", "match_kind", "match_value", "strategy", "subaccount_id", "enabled"]


def _members(route: Route) -> list[list]:
    return [[m.connection_id, m.position, m.weight] for m in route.members.order_by("position", "pk")]


def save_route(route: Route, members: list[tuple[int, int]]) -> Route:
    """Save ``route`` with its connections in order: ``members`` is [(connection id, weight)]."""
    created = route.pk is None
    before = {} if created else {**audit.snapshot(Route.objects.get(pk=route.pk), ROUTE_FIELDS), "connections": _members(route)}
    with transaction.atomic():
        route.save()
        route.members.all().delete()
        RouteConnection.objects.bulk_create(
            [RouteConnection(route=route, connection_id=conn, position=i, weight=weight) for i, (conn, weight) in enumerate(members)]
        )
        after = {**audit.snapshot(route, ROUTE_FIELDS), "connections": _members(route)}
        audit.record("route.created" if created else "route.updated", target=route, changes=audit.diff(before, after))
    return route


def delete_route(route: Route) -> None:
    with transaction.atomic():
        audit.record("route.deleted", target=route, changes=audit.diff(audit.snapshot(route, ROUTE_FIELDS), {}))
        route.delete()
