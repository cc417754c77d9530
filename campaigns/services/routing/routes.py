"""Changing routes (web and API alike): what a valid route is, saving it with its
connections, audited here so every door is audited the same."""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers
from django.db import transaction

from campaigns.models import Route, RouteConnection
from campaigns.services import audit


@dataclass(frozen=True)
class Member:
    """One connection of a route being saved: its order and (weighted routes) its weight."""

    connection: object  # ProviderConnection
    position: int = 0
    weight: int = 1


def match_value_problem(kind: str, value: str) -> str:
    """Why ``value`` cannot be matched for ``kind`` ("" when it can); see ``normalize_match``."""
    value = value.strip()
    if kind == Route.Match.DEFAULT:
        return "" if not value else "A default route matches every destination: leave the value empty."
    if not value:
        return "Enter what the route matches."
    if kind == Route.Match.PREFIX:
        digits = value.lstrip("+").replace(" ", "")
        return "" if digits.isdigit() and len(digits) <= 15 else "A prefix is the first digits of international numbers, e.g. 92300."
    if kind == Route.Match.COUNTRY:
        known = phonenumbers.SUPPORTED_REGIONS
        return "" if value.upper() in known else "A country is its two-letter ISO code, e.g. PK."
    return "" if len(value) <= 60 else "A network name has at most 60 characters."


def normalize_match(kind: str, value: str) -> str:
    value = value.strip()
    if kind == Route.Match.PREFIX:
        return value.lstrip("+").replace(" ", "")
    if kind == Route.Match.COUNTRY:
        return value.upper()
    return value


def members_problem(route: Route, members: list[Member]) -> str:
    """Why these connections cannot make the route ("" when they can)."""
    if not members:
        return "Choose at least one connection."
    ids = [m.connection.pk for m in members]
    if len(set(ids)) != len(ids):
        return "A connection appears twice."
    for member in members:
        connection = member.connection
        if connection.account_id != route.account_id:
            return "That connection does not exist."
        try:
            serves = connection.serves(route.channel)
        except Exception:
            serves = False
        if not serves:
            return f"The connection {connection.name} does not send {route.get_channel_display()}."
    if route.strategy == Route.Strategy.WEIGHTED and not any(m.weight > 0 for m in members):
        return "A weighted route needs a connection with a weight above 0."
    return ""


def save_route(route: Route, members: list[Member] | None = None) -> Route:
    """Save ``route`` (validated by the caller: ``match_value_problem``, ``members_problem``)
    and, when given, replace its connections; the change of connections is audited (the
    route's own fields are audited by the model signals)."""
    route.match_value = normalize_match(route.match_kind, route.match_value)
    with transaction.atomic():
        route.save()
        if members is not None:
            before = _members_label(route)
            route.members.all().delete()
            RouteConnection.objects.bulk_create(
                [RouteConnection(route=route, connection=m.connection, position=m.position, weight=m.weight) for m in members]
            )
            after = _members_label(route)
            if before != after:
                audit.record("route.connections_changed", target=route, changes={"connections": [before, after]})
    return route


def delete_route(route: Route) -> None:
    route.delete()


def _members_label(route: Route) -> str:
    rows = route.members.select_related("connection").order_by("position", "pk")
    return ", ".join(f"{m.connection.name} (weight {m.weight})" for m in rows)
