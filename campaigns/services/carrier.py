"""Carrier lookups (Wavy carrier/lookup): the network serving each contact's number, stored
on the contact and used by network breakdowns. Run on demand for a list, after an import,
and before a campaign where the connection enables it; always in a task (billed per number)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.utils import timezone

from campaigns.models import Contact, Message
from providers.base import Capability, ProviderException

log = logging.getLogger(__name__)

CHUNK = 1000


def lookup_connection(account_id: int):
    """The account's first active connection that can look carriers up, or None."""
    from providers.models import ProviderConnection
    from providers.registry import backends

    slugs = [slug for slug, cls in backends().items() if cls.supports(Capability.CARRIER_LOOKUP)]
    return ProviderConnection.objects.filter(account_id=account_id, provider__in=slugs, is_active=True).order_by("pk").first()


def lookup_contacts(connection, contact_ids: Iterable[int]) -> int:
    """Look up these contacts' numbers; returns how many contacts were updated."""
    from providers.registry import calling

    ids = list(contact_ids)
    updated = 0
    for start in range(0, len(ids), CHUNK):
        contacts = list(Contact.objects.filter(account_id=connection.account_id, pk__in=ids[start : start + CHUNK]).only("pk", "phone"))
        if not contacts:
            continue
        try:
            with calling(connection) as backend:
                infos = backend.carrier_lookup([c.phone for c in contacts])
        except ProviderException as exc:
            log.warning("carrier lookup failed on connection %s: %s", connection.pk, exc.error.message)
            break
        now = timezone.now()
        by_number = {info.number: info for info in infos}
        for contact in contacts:
            info = by_number.get(contact.phone)
            if info is None:
                continue
            contact.network, contact.network_country = info.carrier[:60], info.country[:2]
            contact.network_active, contact.network_checked_at = info.valid, now
            updated += 1
        Contact.objects.bulk_update(contacts, ["network", "network_country", "network_active", "network_checked_at"])
    return updated


def lookup_list(list_id: int, only_unknown: bool = False) -> int:
    """Task: look up the contacts of a list (all, or those never looked up) through the
    account's lookup connection."""
    from campaigns.models import ContactList

    contact_list = ContactList.objects.filter(pk=list_id).first()
    connection = lookup_connection(contact_list.account_id) if contact_list else None
    if connection is None:
        return 0
    contacts = contact_list.contacts.all()
    if only_unknown:
        contacts = contacts.filter(network_checked_at__isnull=True)
    return lookup_contacts(connection, contacts.values_list("pk", flat=True))


def queue_list_lookup(list_id: int, only_unknown: bool = False) -> None:
    from django_q.tasks import async_task

    async_task("campaigns.services.carrier.lookup_list", list_id, only_unknown, group="carrier-lookup")


def after_import(job) -> bool:
    """An import into a list: look its new numbers up where the lookup connection says so."""
    connection = lookup_connection(job.account_id) if job.contact_list_id else None
    if connection is None or not (connection.settings or {}).get("carrier_lookup_on_import"):
        return False
    queue_list_lookup(job.contact_list_id, only_unknown=True)
    return True


def lookup_before_campaign(campaign) -> int:
    """Before a campaign starts: where its connection enables it, look up the recipients
    whose network is not known yet."""
    from campaigns.services.audience import recipients

    connection = _lookup_before_send_connection(campaign)
    if connection is None:
        return 0
    audience = recipients(campaign.account, campaign.audience or {}, campaign.subaccount)
    unknown = audience.filter(network_checked_at__isnull=True).values_list("pk", flat=True)
    return lookup_contacts(connection, unknown)


def fill_message_networks(campaign_id: int) -> int:
    """Messages without a network yet take their contact's looked-up one (breakdowns)."""
    from django.db.models import OuterRef, Subquery

    account_id = Message.objects.filter(campaign_id=campaign_id).values_list("account_id", flat=True).first()
    if account_id is None or not Contact.objects.filter(account_id=account_id, network__gt="").exists():
        return 0  # no network known in the account: not a pass over every message (0.2 s at 100k)
    network = Contact.objects.filter(pk=OuterRef("contact_id")).exclude(network="").values("network")[:1]
    return Message.objects.filter(campaign_id=campaign_id, network="", contact__network__gt="").update(network=Subquery(network))


def start_with_lookup(campaign_id: int) -> int:
    """The campaign start task: carrier lookup first (where enabled), then the engine's start,
    then messages take their contacts' networks."""
    from campaigns.models import Campaign
    from campaigns.services.pipeline import start_campaign

    campaign = Campaign.objects.filter(pk=campaign_id, status=Campaign.Status.SCHEDULED).select_related("connection").first()
    looked_up = lookup_before_campaign(campaign) if campaign is not None else 0
    created = start_campaign(campaign_id)
    if looked_up or (campaign is not None and _has_networks(campaign)):
        fill_message_networks(campaign_id)
    return created


def _has_networks(campaign) -> bool:
    from campaigns.services.routing import campaign_connections

    return any(_looks_up(c) for c in campaign_connections(campaign))


def _looks_up(connection) -> bool:
    try:
        return connection.backend_class().supports(Capability.CARRIER_LOOKUP)
    except Exception:  # an unknown provider slug: no lookups
        return False


def _lookup_before_send_connection(campaign):
    """The connection (of those the campaign may use) set to look carriers up before a
    campaign: network routes and breakdowns need them. None: no lookup."""
    from campaigns.services.routing import campaign_connections

    for connection in campaign_connections(campaign):
        if (connection.settings or {}).get("carrier_lookup_before_send") and _looks_up(connection):
            return connection
    return None
