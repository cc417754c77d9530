"""Routing: for this account, channel, sender and destination, which connections, in which
order. Views and the API never choose a connection for a marketer; they ask here.

The interface (everything else in this package is its machinery):

- ``plan_route(account, channel, to, *, sender=None, subaccount=None, network="")``
  -> ordered ``ProviderConnection`` list (first choice first; the rest are the failover
  order; connections out of rotation last; empty: nothing can carry it).
- ``Router(account, channel, sender=, subaccount=, pinned=)``: the same, loaded once and
  asked per destination (``.plan(to) -> Plan(route, connections)``), for many messages.
- ``route_breakdown(campaign) -> list[BreakdownRow]``: where the campaign's messages go (or,
  before it starts, would go) per route and connection: count, connection cost, price
  charged to the account, margin. For the review step and the campaign page.
- ``failovers(campaign) -> list[FailoverRow]``: messages moved off a connection, grouped by
  (from, to, reason). For the campaign page.
- ``usable_senders(account, channel, subaccount=None)`` -> approved SenderID queryset the
  routes can carry. For the composer's sender step.
- ``coverage_problems(campaign) -> list[str]``: why routing cannot carry the campaign
  (empty when it can). Used by the launch checks.
- ``cost_for(connection, channel, to, units=1) -> Decimal | None``: a connection's cost for
  one message by its rate card. ``import_rate_card(connection, csv_text)`` -> RateImport.
- ``breaker.state_of(connection_id)`` -> ConnectionHealth (closed / open / half-open, the
  last error, until when): the admin's view of a connection taken out of rotation.

Matching: a prefix route (longest first) beats a network route, which beats a country
route, which beats the default route; a subaccount's route beats an account-wide one of
the same specificity; a disabled route, or one none of whose connections can carry the
message (inactive, wrong channel, sender not approved there), is passed over. With no
matching route the account's active connections serving the channel are used in the
order they were created: an account with one connection and no routes works as before.
A campaign or single send that names a connection (``pinned``) uses that one alone.

Strategies: priority (the route's order), weighted (a stable hash of the destination picks
one connection by weight, the others follow in order), least cost (by rate card, unpriced
connections last, ties by order)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum

from campaigns.models import Campaign, Message, Route, RouteAttempt, SenderID
from campaigns.services.routing import breaker
from campaigns.services.routing.costs import RateImport, cost_for, import_rate_card
from campaigns.services.routing.failover import after_call, may_fail_over, move_off, queue_moves
from campaigns.services.routing.plan import Plan, Router, country_of, sender_connection_ids

__all__ = [
    "BreakdownRow",
    "FailoverRow",
    "Plan",
    "RateImport",
    "Router",
    "after_call",
    "assign_rows",
    "breaker",
    "cost_for",
    "country_of",
    "coverage_problems",
    "failovers",
    "import_rate_card",
    "may_fail_over",
    "move_off",
    "plan_route",
    "queue_moves",
    "route_breakdown",
    "router_for",
    "sender_connection_ids",
    "usable_senders",
]

ZERO = Decimal("0")
PREVIEW_LIMIT = 200_000  # recipients planned one by one for the review; beyond, sampled counts scale


def plan_route(account, channel: str, to: str, *, sender: SenderID | None = None, subaccount=None, network: str = "") -> list:
    """The connections that may carry one message to ``to`` (E.164), first choice first."""
    return Router(account, channel, sender=sender, subaccount=subaccount).plan(to, network=network).connections


def router_for(campaign: Campaign) -> Router:
    """The campaign's router: its account, channel, sender and subaccount; its connection
    when one was chosen explicitly."""
    return Router(
        campaign.account_id,
        campaign.channel,
        sender=campaign.sender if campaign.sender_id else None,
        subaccount=campaign.subaccount_id,
        pinned=campaign.connection if campaign.connection_id else None,
    )


def campaign_connections(campaign: Campaign) -> list:
    """Every connection the campaign's messages may go through: the one it names, else
    its routes' connections, and the router's pool (the account's active connections for
    its channel and sender) unless a default route catches every number."""
    if campaign.connection_id:
        return [campaign.connection]
    router = router_for(campaign)
    found = {c.pk: c for members in router.members.values() for _, c in members}
    covers_all = any(r.match_kind == Route.Match.DEFAULT and router.members[r.pk] for r in router.routes)
    if not covers_all:  # a number no route matches goes to the pool
        found.update({c.pk: c for c in router.pool})
    return list(found.values())


def assign_rows(router: Router, rows: list[dict]) -> None:
    """Materialization: set ``connection_id``, ``route_id`` and ``connection_cost`` on new
    message rows (dicts of attnames with "to", "segments" and "contact_id"). Rows nothing
    can carry keep the connection they had (the campaign's), else the router's last resort."""
    networks = _contact_networks(rows) if router.has_network_routes else {}
    for row in rows:
        plan = router.plan(row["to"], network=networks.get(row.get("contact_id"), ""), units=row.get("segments") or 1)
        if plan.first is None:
            if not row.get("connection_id") and router.last_resort is not None:
                row["connection_id"] = router.last_resort.pk
            continue
        row["connection_id"] = plan.first.pk
        row["route_id"] = plan.route.pk if plan.route else None
        row["connection_cost"] = router.cost(plan.first.pk, row["to"], row.get("segments") or 1) or ZERO


def _contact_networks(rows: list[dict]) -> dict[int, str]:
    from campaigns.models import Contact

    ids = [r["contact_id"] for r in rows if r.get("contact_id")]
    return dict(Contact.objects.filter(pk__in=ids).exclude(network="").values_list("pk", "network"))


def coverage_problems(campaign: Campaign) -> list[str]:
    """Why routing cannot carry this campaign (empty when it can): no active connection
    sends its channel, or none where its sender is approved."""
    if campaign.connection_id:
        return []
    router = router_for(campaign)
    if router.pool:
        return []
    channel = campaign.get_channel_display()
    if campaign.sender_id and sender_connection_ids(campaign.sender) is not None:
        return [f"No active connection that sends {channel} has the sender ID {campaign.sender.value} approved."]
    return [f"No active connection sends {channel}. An admin adds one under Connections."]


def usable_senders(account, channel: str, subaccount=None):
    """Approved senders of ``channel`` (the subaccount's and the account-wide ones) that at
    least one connection the routes (or, without routes, the account) use for that channel
    can carry."""
    from campaigns.models import Route

    reachable = set(Router(account, channel, subaccount=subaccount).pool_ids())
    routed = set(
        Route.objects.filter(account=account, channel=channel, enabled=True)
        .filter(Q(subaccount__isnull=True) | Q(subaccount=subaccount))
        .values_list("members__connection_id", flat=True)
    )
    if routed - {None}:
        reachable &= routed
    senders = SenderID.objects.filter(account=account, channel=channel, status=SenderID.Status.APPROVED)
    senders = senders.filter(Q(subaccount__isnull=True) | Q(subaccount=subaccount)) if subaccount else senders
    anywhere = Q(connection__isnull=True, approved_on__isnull=True)
    return senders.filter(anywhere | Q(connection_id__in=reachable) | Q(approved_on__in=reachable)).distinct()


@dataclass(frozen=True)
class BreakdownRow:
    """One route and connection of a campaign: messages, what the connection costs us,
    what the account is charged, and the margin (charged - cost). Before the campaign
    starts these are projections (rate cards, the account's prices); once it has messages,
    what the providers took and what was charged. ``route_id`` None: no route matched (the
    account's own connections)."""

    route_id: int | None
    route_name: str
    connection_id: int
    connection_name: str
    count: int
    cost: Decimal
    charged: Decimal

    @property
    def margin(self) -> Decimal:
        return self.charged - self.cost


def route_breakdown(campaign: Campaign) -> list[BreakdownRow]:
    """Per route and connection, the campaign's messages (once it has them) or, before it
    starts, where its audience would go with today's routes, breakers and rate cards. Rows
    by count, largest first."""
    if Message.objects.filter(campaign=campaign).exists():
        return _actual_breakdown(campaign)
    return _planned_breakdown(campaign)


def _actual_breakdown(campaign: Campaign) -> list[BreakdownRow]:
    """Messages per route and connection; cost counts what the providers took (accepted
    messages), charged what the account was charged (``Message.cost``)."""
    from campaigns.status import ACCEPTED

    taken = Q(status__in=sorted(ACCEPTED))
    rows = (
        Message.objects.filter(campaign=campaign)
        .values("route_id", "route__name", "connection_id", "connection__name")
        .annotate(n=Count("pk"), provider_cost=Sum("connection_cost", filter=taken), charged=Sum("cost"))
        .order_by("-n", "connection_id")
    )
    return [
        BreakdownRow(
            r["route_id"],
            r["route__name"] or "",
            r["connection_id"],
            r["connection__name"],
            r["n"],
            r["provider_cost"] or ZERO,
            r["charged"] or ZERO,
        )
        for r in rows
    ]


def _planned_breakdown(campaign: Campaign) -> list[BreakdownRow]:
    from campaigns.services.audience import recipients
    from campaigns.services.estimate import PriceBook, message_text, units_for, voice_seconds
    from campaigns.services.smsinfo import sms_info

    router = router_for(campaign)
    book = PriceBook(campaign.account_id, campaign.channel)
    segments = sms_info(message_text(campaign)).segments
    seconds = voice_seconds(campaign)
    tally: dict[tuple, list] = {}
    names: dict[int, str] = {}
    qs = recipients(campaign.account, campaign.audience, campaign.subaccount).values_list("phone", "network")
    for phone, network in qs[:PREVIEW_LIMIT].iterator(chunk_size=5000):
        price = book.lookup(phone)
        units = units_for(campaign.channel, price, segments, seconds)
        plan = router.plan(phone, network=network or "", units=units)
        if plan.first is None:
            continue
        key = (plan.route.pk if plan.route else None, plan.route.name if plan.route else "", plan.first.pk)
        names[plan.first.pk] = plan.first.name
        entry = tally.setdefault(key, [0, ZERO, ZERO])
        entry[0] += 1
        entry[1] += router.cost(plan.first.pk, phone, units) or ZERO
        entry[2] += (price.amount if price else ZERO) * units
    rows = [BreakdownRow(r, name, c, names[c], n, cost, charged) for (r, name, c), (n, cost, charged) in tally.items()]
    return sorted(rows, key=lambda row: (-row.count, row.connection_id))


@dataclass(frozen=True)
class FailoverRow:
    """Messages moved from one connection to another, for one reason (error code, or
    "skipped": the connection was out of rotation before they were sent)."""

    from_connection: str
    to_connection: str
    reason: str
    count: int


def failovers(campaign: Campaign) -> list[FailoverRow]:
    rows = (
        RouteAttempt.objects.filter(message__campaign=campaign)
        .values("connection__name", "moved_to__name", "outcome", "error_code")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    return [
        FailoverRow(
            r["connection__name"] or "(deleted)",
            r["moved_to__name"] or "(deleted)",
            r["error_code"] if r["outcome"] == RouteAttempt.Outcome.FAILED_OVER else "skipped",
            r["n"],
        )
        for r in rows
    ]
