"""Which connections may carry a message, in which order: routes matched by destination,
candidates filtered (active, serves the channel, the sender is approved there), ordered by
the route's strategy, connections out of rotation moved to the end."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

import phonenumbers
from django.db.models import Q

from campaigns.models import Route, SenderID
from campaigns.services.routing import breaker
from campaigns.services.routing.costs import RateBook

# How specific a match is: a longer prefix beats a shorter one, any prefix a network, a
# network a country, a country the default.
SPECIFICITY = {Route.Match.PREFIX: 3, Route.Match.NETWORK: 2, Route.Match.COUNTRY: 1, Route.Match.DEFAULT: 0}


@dataclass(frozen=True)
class Plan:
    """The answer for one destination: the route that matched (None: no route covers it,
    the account's own connections for the channel are used) and the connections to try,
    first choice first. Empty ``connections``: nothing can carry it."""

    route: Route | None
    connections: list = field(default_factory=list)  # ProviderConnection, in order

    @property
    def first(self):
        return self.connections[0] if self.connections else None


@lru_cache(maxsize=100_000)
def country_of(to: str) -> str:
    """ISO alpha-2 region of an E.164 number ("" when phonenumbers cannot tell)."""
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(to if to.startswith("+") else f"+{to}", None)) or ""
    except phonenumbers.NumberParseException:
        return ""


def sender_connection_ids(sender: SenderID | None) -> set[int] | None:
    """Connections a sender is approved on; None when it may go on any (no sender, or a
    sender tied to no connection)."""
    if sender is None:
        return None
    ids = set(sender.approved_on.values_list("pk", flat=True))
    if sender.connection_id:
        ids.add(sender.connection_id)
    return ids or None


class Router:
    """The routing question for one account, channel, sender and subaccount, loaded once
    (routes, their connections, rate cards, breaker states) and answered per destination
    without a query: materialization plans 100k messages with it.

    ``pinned``: a connection chosen explicitly (an existing campaign or API call that names
    one); then that connection alone is the plan, as before routing existed."""

    def __init__(self, account, channel: str, *, sender: SenderID | None = None, subaccount=None, pinned=None) -> None:
        from providers.models import ProviderConnection

        account_id = account if isinstance(account, int) else account.pk
        self.channel = channel
        self.pinned = pinned
        allowed = sender_connection_ids(sender)
        pool = [c for c in ProviderConnection.objects.filter(account_id=account_id, is_active=True).order_by("pk") if _serves(c, channel)]
        self.pool = [c for c in pool if allowed is None or c.pk in allowed]
        # Where a message goes when nothing fits (a connection switched off after launch):
        # there its send fails with the provider's own reason, never a crash at creation.
        self.last_resort = self.pool[0] if self.pool else (pool[0] if pool else None)
        usable = {c.pk: c for c in self.pool}
        subaccount_id = subaccount if isinstance(subaccount, int | None) else subaccount.pk
        mine = Q(subaccount__isnull=True) | (Q(subaccount_id=subaccount_id) if subaccount_id else Q(pk__in=[]))
        routes = Route.objects.filter(mine, account_id=account_id, channel=channel, enabled=True).prefetch_related("members")
        self.routes = sorted(routes, key=lambda r: (-SPECIFICITY[r.match_kind], -len(r.match_value), r.subaccount_id is None, r.pk))
        self.members = {r.pk: [(m, usable[m.connection_id]) for m in r.members.all() if m.connection_id in usable] for r in self.routes}
        self.rates = RateBook([c.pk for c in pool], channel)
        self.open = breaker.open_connection_ids([c.pk for c in pool])
        self.has_network_routes = any(r.match_kind == Route.Match.NETWORK for r in self.routes)

    def plan(self, to: str, *, network: str = "", key: str = "", units: int = 1) -> Plan:
        """Where a message to ``to`` goes. ``network``: the destination's network when known
        (carrier lookup), for network routes. ``key``: what a weighted route splits on (the
        destination by default: the same number always takes the same connection)."""
        if self.pinned is not None:
            return Plan(None, [self.pinned])
        route = self.matching_route(to, network)
        if route is None:
            return Plan(None, self._rotation(self.pool))
        members = self.members[route.pk]
        if route.strategy == Route.Strategy.WEIGHTED:
            ordered = weighted_order(members, key or to, salt=route.pk)
        elif route.strategy == Route.Strategy.LEAST_COST:
            ordered = self._cheapest_first(members, to, units)
        else:
            ordered = [c for _, c in members]
        return Plan(route, self._rotation(ordered))

    def matching_route(self, to: str, network: str = "") -> Route | None:
        """The most specific enabled route matching ``to`` that has a usable connection."""
        digits = to.lstrip("+")
        for route in self.routes:
            if self.members[route.pk] and _matches(route, digits, network):
                return route
        return None

    def pool_ids(self) -> list[int]:
        """The account's active connections for the channel (where the sender may go)."""
        return [c.pk for c in self.pool]

    def cost(self, connection_id: int, to: str, units: int = 1) -> Decimal | None:
        return self.rates.cost(connection_id, to, units)

    def _cheapest_first(self, members: list, to: str, units: int) -> list:
        def key(item):
            member, connection = item
            cost = self.rates.cost(connection.pk, to, units)
            return (cost is None, cost or Decimal("0"), member.position)

        return [c for _, c in sorted(members, key=key)]

    def _rotation(self, connections: list) -> list:
        """Connections out of rotation (circuit open) go last: used only when nothing else can."""
        return [c for c in connections if c.pk not in self.open] + [c for c in connections if c.pk in self.open]


def _serves(connection, channel: str) -> bool:
    try:
        return connection.serves(channel)
    except Exception:  # its provider is not installed
        return False


def _matches(route: Route, digits: str, network: str) -> bool:
    value = route.match_value.strip()
    if route.match_kind == Route.Match.PREFIX:
        return bool(value) and digits.startswith(value.lstrip("+"))
    if route.match_kind == Route.Match.NETWORK:
        return bool(value and network) and value.casefold() == network.strip().casefold()
    if route.match_kind == Route.Match.COUNTRY:
        return bool(value) and country_of(digits) == value.upper()
    return True


def weighted_order(members: list, key: str, *, salt: int = 0) -> list:
    """The connection a stable hash of ``key`` lands on (by weight), then the others in
    their position order (the failover order). Deterministic: the same key, same pick."""
    weighted = [(m, c) for m, c in members if m.weight > 0]
    total = sum(m.weight for m, _ in weighted)
    if not total:
        return [c for _, c in members]
    point = int.from_bytes(hashlib.blake2b(f"{salt}:{key}".encode(), digest_size=8).digest(), "big") % total
    for member, connection in weighted:
        point -= member.weight
        if point < 0:
            return [connection] + [c for _, c in members if c.pk != connection.pk]
    return [c for _, c in members]  # unreachable
