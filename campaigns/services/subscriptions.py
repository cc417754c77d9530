"""Subscriptions of contacts to a provider's service, per connection (V-Appstore): changed
from the contact page or the API through the provider (subscription/userSubscription), and
kept in step by its notifications (subscription/notify)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from campaigns.models import Contact, Subscription
from providers.base import Capability, ProviderEvent


class SubscriptionError(ValueError):
    """The change cannot be made (a clear reason in the text)."""


SUBSCRIPTION_FILTERS = ("registered", "unregistered", "none")  # "none": never subscribed anywhere


def filter_by_subscription(contacts: QuerySet, state: str) -> QuerySet:
    """Contacts registered / unregistered on any connection, or with no subscription at all."""
    rows = Subscription.objects.filter(contact=OuterRef("pk"))
    if state == "none":
        return contacts.exclude(Exists(rows))
    return contacts.filter(Exists(rows.filter(status=state)))


def subscription_connections(account_id: int):
    """The account's active connections that keep subscriptions."""
    from providers.models import ProviderConnection
    from providers.registry import backends

    slugs = [slug for slug, cls in backends().items() if cls.supports(Capability.SUBSCRIPTION)]
    return ProviderConnection.objects.filter(account_id=account_id, provider__in=slugs, is_active=True).order_by("name")


def record(contact: Contact, connection, event: ProviderEvent, source: str) -> Subscription | None:
    """Store what the provider reports (a subscription or unsubscription event)."""
    status = {"subscription": Subscription.Status.REGISTERED, "unsubscription": Subscription.Status.UNREGISTERED}.get(event.kind)
    if status is None:
        return None
    when = _when(event.data.get("occurred_at")) or timezone.now()
    current = Subscription.objects.filter(contact=contact, connection=connection).first()
    if current is not None and current.status == status:
        fields = {"frequency": event.data.get("frequency") or current.frequency}
        Subscription.objects.filter(pk=current.pk).update(**fields)
        current.refresh_from_db()
        return current
    values = {"account_id": contact.account_id, "status": status, "since": when, "source": source}
    if event.data.get("frequency"):
        values["frequency"] = str(event.data["frequency"])[:20]
    subscription, _ = Subscription.objects.update_or_create(contact=contact, connection=connection, defaults=values)
    return subscription


def change(contact: Contact, connection, subscribed: bool, source: str) -> Subscription:
    """Register or unregister a contact with the connection's provider, then store its answer."""
    from providers.base import ProviderException
    from providers.registry import calling

    if connection.account_id != contact.account_id or not connection.backend_class().supports(Capability.SUBSCRIPTION):
        raise SubscriptionError(f"{connection.name} keeps no subscriptions.")
    try:
        with calling(connection) as backend:
            event = backend.set_subscription(contact.phone, subscribed)
    except ProviderException as exc:
        raise SubscriptionError(f"{connection.name} refused: {exc.error.message or exc.error.code}") from exc
    subscription = record(contact, connection, event, source)
    if subscription is None:
        raise SubscriptionError(f"{connection.name} answered with an unknown subscription state ({event.data.get('status')}).")
    return subscription


def apply_notification(connection, event: ProviderEvent) -> str:
    """subscription/notify: the contact (created when new) takes the state it tells."""
    phone = event.phone if event.phone.startswith("+") else f"+{event.phone}"
    contact, _ = Contact.objects.get_or_create(account_id=connection.account_id, phone=phone[:20])
    return "applied" if record(contact, connection, event, Subscription.Source.PROVIDER) else "ignored"


def _when(value) -> datetime | None:
    if isinstance(value, datetime):
        return value
    parsed = parse_datetime(value) if isinstance(value, str) and value else None
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed
