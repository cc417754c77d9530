"""Tell people what happened: in-app notifications and e-mail, per user preferences.

Called by the service functions that make the change (the pipeline's completion and
auto-pause, the ledger's charge, sender and recording decisions, the import task), right
beside the integrator events of ``events.py``. Each event carries a unique key: the first
call creates the Notice and fans it out; a repeat (a retried task, a second worker) finds
the key taken and does nothing, so every notification fires exactly once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from campaigns.formatting import format_money, format_when
from campaigns.models import Membership, Notice, NoticeKind, Notification, NotificationPreference, Role

log = logging.getLogger(__name__)
K = NoticeKind


@dataclass(frozen=True)
class Audience:
    """Who gets a notice beyond the account's admins (who get everything)."""

    subaccount_id: int | None = None  # marketers of this subaccount (None: of every subaccount)
    marketers: bool = False
    viewers: bool = False
    user_ids: tuple[int, ...] = ()  # named people (the requester, the uploader) if still members


def notify(
    account_id: int, kind: str, key: str, title: str, body: str = "", link: str = "", audience: Audience = Audience()
) -> Notice | None:
    """Record the notice once and notify its recipients; None when the key was already used."""
    try:
        with transaction.atomic():
            notice = Notice.objects.create(account_id=account_id, kind=kind, key=key[:120], title=title[:200], body=body, link=link)
    except IntegrityError:
        return None
    users = recipients(account_id, audience)
    in_app, by_mail = _split_by_preference(users, kind)
    Notification.objects.bulk_create([Notification(notice=notice, user=user) for user in in_app])
    if by_mail:
        addresses = [u.email for u in by_mail if u.email]
        transaction.on_commit(lambda: _mail(notice, addresses))
    return notice


def recipients(account_id: int, audience: Audience) -> list:
    memberships = Membership.objects.filter(account_id=account_id, user__is_active=True)
    wanted = Q(role=Role.ADMIN) | Q(user_id__in=audience.user_ids, role__in=[Role.MARKETER, Role.VIEWER])
    for role, included in ((Role.MARKETER, audience.marketers), (Role.VIEWER, audience.viewers)):
        if included:
            wanted |= _in_subaccount(role, audience.subaccount_id)
    user_ids = memberships.filter(wanted).values_list("user_id", flat=True)
    return list(get_user_model().objects.filter(pk__in=user_ids).order_by("pk"))


def _in_subaccount(role: str, subaccount_id: int | None) -> Q:
    """A member bound to a subaccount hears about that subaccount only (and about shared things)."""
    if subaccount_id is None:
        return Q(role=role)
    return Q(role=role) & (Q(subaccount_id=subaccount_id) | Q(subaccount__isnull=True))


def preferences_of(user) -> NotificationPreference:
    return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(user=user)


def _split_by_preference(users: list, kind: str) -> tuple[list, list]:
    chosen = {p.user_id: p for p in NotificationPreference.objects.filter(user__in=users)}
    in_app, by_mail = [], []
    for user in users:
        pref = chosen.get(user.pk) or NotificationPreference(user=user)
        if kind in pref.in_app:
            in_app.append(user)
        if kind in pref.email:
            by_mail.append(user)
    return in_app, by_mail


def _mail(notice: Notice, addresses: list[str]) -> None:
    base = settings.SITE_URL.rstrip("/")  # the portal's public address (webhook URLs use it too)
    link = f"\n\n{base}{notice.link}" if notice.link and base else (f"\n\n{notice.link}" if notice.link else "")
    for address in addresses:  # one message each: recipients never see each other's address
        try:
            send_mail(f"[Campaign portal] {notice.title}", f"{notice.body}{link}".strip(), None, [address])
        except Exception:
            log.exception("could not e-mail notice %s to a recipient", notice.pk)


# --- unread counts and marking ------------------------------------------------------


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_read(user, notification_id: int) -> bool:
    return bool(Notification.objects.filter(user=user, pk=notification_id, read_at__isnull=True).update(read_at=timezone.now()))


def mark_all_read(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


# --- the events -------------------------------------------------------------------


def campaign_finished(campaign) -> None:
    notify(
        campaign.account_id,
        K.CAMPAIGN_FINISHED,
        f"campaign-finished:{campaign.pk}",
        f"Campaign “{campaign.name}” finished",
        f"It went to {campaign.recipients:,} recipient(s).",
        reverse("campaign_detail", args=[campaign.pk]),
        Audience(subaccount_id=campaign.subaccount_id, marketers=True, viewers=True, user_ids=_ids(campaign.created_by_id)),
    )


def campaign_auto_paused(campaign, reason: str, *, account_level: bool) -> None:
    """A campaign the engine paused (not a person). ``account_level``: the provider refused the
    account (bad key, no balance there), so its connection is out of rotation too."""
    sequence = Notice.objects.filter(key__startswith=f"campaign-paused:{campaign.pk}:").count() + 1
    audience = Audience(subaccount_id=campaign.subaccount_id, marketers=True, user_ids=_ids(campaign.created_by_id))
    link = reverse("campaign_detail", args=[campaign.pk])
    notify(
        campaign.account_id,
        K.CAMPAIGN_PAUSED,
        f"campaign-paused:{campaign.pk}:{sequence}",
        f"Campaign “{campaign.name}” was paused",
        reason,
        link,
        audience,
    )
    if account_level and campaign.connection_id:
        connection = campaign.connection
        notify(
            campaign.account_id,
            K.CONNECTION_OUT,
            f"connection-out:{connection.pk}:{campaign.pk}:{sequence}",
            f"Connection “{connection.name}” taken out of rotation",
            f"The provider refused the account while sending campaign “{campaign.name}”, which was paused: {reason} "
            "Fix the connection (key, balance at the provider), then resume the campaign.",
            reverse("admin_area:connection_detail", args=[connection.pk]),
        )


def connection_out_of_rotation(health) -> None:
    """The circuit breaker took a connection out of rotation (campaigns/services/routing):
    admins hear once per opening."""
    connection = health.connection
    until = format_when(health.open_until) if health.open_until else "later"
    notify(
        connection.account_id,
        K.CONNECTION_OUT,
        f"connection-breaker:{connection.pk}:{health.times_opened}",
        f"Connection “{connection.name}” taken out of rotation",
        f"Its last calls failed ({health.last_error}). Messages go to the next connection of their route; "
        f"it will be tried again at {until}.",
        reverse("admin_area:connection_detail", args=[connection.pk]),
    )


def low_balance_crossed(account, balance_before: Decimal, balance_after: Decimal) -> None:
    """Call under the account's row lock with the balances around one debit: fires only when
    this debit took the balance from at or above the threshold to below it."""
    threshold = account.low_balance_threshold
    if threshold is None or not (balance_before >= threshold > balance_after):
        return
    sequence = Notice.objects.filter(key__startswith=f"low-balance:{account.pk}:").count() + 1
    notify(
        account.pk,
        K.LOW_BALANCE,
        f"low-balance:{account.pk}:{sequence}",
        f"Balance below {format_money(threshold, account.currency)}",
        f"The balance is now {format_money(balance_after, account.currency)}. Top up so campaigns are not paused.",
        reverse("admin_area:billing"),
    )


def sender_decided(sender) -> None:
    approved = sender.status == sender.Status.APPROVED
    verb = "approved" if approved else "rejected"
    note = f" Note: {sender.decision_note}" if sender.decision_note else ""
    notify(
        sender.account_id,
        K.SENDER_DECIDED,
        f"sender-{verb}:{sender.pk}:{sender.decided_at.isoformat() if sender.decided_at else ''}",
        f"Sender ID {sender.value} {verb}",
        f"The {sender.get_channel_display()} sender ID {sender.value} was {verb}.{note}",
        reverse("admin_area:sender_detail", args=[sender.pk]),
        Audience(user_ids=_ids(sender.requested_by_id)),
    )


def recording_approved(recording) -> None:
    notify(
        recording.account_id,
        K.RECORDING_APPROVED,
        f"recording-approved:{recording.pk}",
        f"Recording “{recording.name}” approved",
        f"The provider approved it (reference {recording.provider_reference}); voice campaigns can use it now.",
        reverse("recording_detail", args=[recording.pk]),
        Audience(subaccount_id=recording.subaccount_id, marketers=True, user_ids=_ids(recording.uploaded_by_id)),
    )


def import_finished(job) -> None:
    failed = job.status == job.Status.FAILED
    title = f"Import of {job.original_name or 'a file'} {'failed' if failed else 'finished'}"
    body = job.error if failed else f"{job.total_rows:,} row(s) read, {job.rejected_count:,} rejected."
    notify(
        job.account_id,
        K.IMPORT_FINISHED,
        f"import-finished:{job.pk}",
        title,
        body,
        reverse("import_detail", args=[job.pk]),
        Audience(user_ids=_ids(job.created_by_id)),
    )


def _ids(*user_ids: int | None) -> tuple[int, ...]:
    return tuple(pk for pk in user_ids if pk)
