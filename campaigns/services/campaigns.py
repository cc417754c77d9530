"""Campaign lifecycle: validate and launch, pause, resume, cancel, duplicate, and a test send
to one's own number (resending to the failed: campaigns/services/resend.py)."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from campaigns.formatting import format_money
from campaigns.models import Campaign, Contact, Message, StatusCount
from campaigns.services import audit, ledger
from campaigns.services.launch_checks import LaunchReport, content_errors, launch_checks
from campaigns.services.windows import zone
from providers.base import MessageStatus as S

log = logging.getLogger(__name__)

START_NOW_WITHIN = timedelta(seconds=5)


class LaunchError(Exception):
    def __init__(self, errors: list[str], report: LaunchReport | None = None) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors
        self.report = report

    @property
    def content_problems(self) -> list[str]:
        """The problems of the text itself (unknown placeholders, tags...): the caller's input is wrong."""
        return self.report.placeholders if self.report is not None else []


class CampaignStateError(Exception):
    """The campaign is not in a state that allows this."""


def validate_for_launch(campaign: Campaign) -> list[str]:
    """Everything that would stop the campaign, as messages a marketer understands."""
    return launch_checks(campaign).errors


def launch(campaign: Campaign, user=None) -> None:
    """Validate, reserve the estimate, draft -> scheduled, and schedule the start."""
    report = launch_checks(campaign)
    est = report.estimate
    if not report.ok or est is None:
        raise LaunchError(report.errors or ["The campaign cannot be estimated."], report)
    with transaction.atomic():
        if not Campaign.objects.filter(pk=campaign.pk, status=Campaign.Status.DRAFT).update(
            status=Campaign.Status.SCHEDULED, launched_at=timezone.now(), estimated_cost=est.cost, status_reason=""
        ):
            raise LaunchError(["The campaign was launched or changed meanwhile."])
        if not ledger.reserve(campaign.account_id, est.cost, campaign.pk):
            cost = format_money(est.cost, campaign.account.currency)
            raise LaunchError([f"The balance does not cover this campaign: it costs about {cost}, less is available now."])
    campaign.refresh_from_db()
    audit.record("campaign.launched", target=campaign, changes={"estimated_cost": str(est.cost), "send_at": audit._plain(campaign.send_at)})
    schedule_start(campaign)


def schedule_start(campaign: Campaign) -> None:
    from django_q.tasks import async_task

    from campaigns.services.maintenance import ensure_schedules

    ensure_schedules()
    when = campaign.send_at
    if when is None or when <= timezone.now() + START_NOW_WITHIN:
        async_task("campaigns.tasks.start_campaign", campaign.pk, group=f"campaign-{campaign.pk}")
        return
    from django_q.models import Schedule

    Schedule.objects.create(
        name=f"start campaign {campaign.pk} {when.isoformat()}",
        func="campaigns.tasks.start_campaign",
        args=repr(campaign.pk),
        schedule_type=Schedule.ONCE,
        next_run=when,
        repeats=1,
    )


def local_send_time(campaign: Campaign):
    return campaign.send_at.astimezone(zone(campaign.timezone)) if campaign.send_at else None


def pause(campaign: Campaign, reason: str = "") -> None:
    from campaigns.services.pipeline import pause as pause_row

    if not pause_row(campaign.pk, reason or "Paused by a user."):
        raise CampaignStateError(f"A {campaign.status} campaign cannot be paused.")
    campaign.refresh_from_db()
    audit.record("campaign.paused", target=campaign, changes={"reason": campaign.status_reason})


def resume(campaign: Campaign) -> None:
    """paused -> running (sending goes on) or -> scheduled when it never started."""
    from campaigns.services.materialize import settle_reservation
    from campaigns.services.pipeline import enqueue_batches, maybe_complete

    target = Campaign.Status.RUNNING if campaign.started_at else Campaign.Status.SCHEDULED
    if not Campaign.objects.filter(pk=campaign.pk, status=Campaign.Status.PAUSED).update(status=target, status_reason=""):
        raise CampaignStateError(f"A {campaign.status} campaign cannot be resumed.")
    campaign.refresh_from_db()
    audit.record("campaign.resumed", target=campaign)
    if target == Campaign.Status.SCHEDULED:
        schedule_start(campaign)
        return
    settle_reservation(campaign)
    campaign.refresh_from_db()
    if campaign.status == Campaign.Status.RUNNING and not enqueue_batches(campaign):
        maybe_complete(campaign.pk)


def cancel(campaign: Campaign) -> None:
    """Stop for good: what is not handed to a provider yet ends `cancelled`; the reservation
    is released (what is in flight at this moment finishes and is billed as usual)."""
    from campaigns.services.pipeline import settle_cancelled

    if not Campaign.objects.filter(pk=campaign.pk, status__in=["draft", "scheduled", "running", "paused"]).update(
        status=Campaign.Status.CANCELLED, finished_at=timezone.now()
    ):
        raise CampaignStateError(f"A {campaign.status} campaign cannot be cancelled.")
    audit.record("campaign.cancelled", target=campaign)
    settle_cancelled(campaign.pk)
    campaign.refresh_from_db()


COPY_FIELDS = (
    "account_id",
    "subaccount_id",
    "channel",
    "connection_id",
    "sender_id",
    "template_id",
    "text",
    "flash",
    "content",
    "audience",
    "timezone",
    "allowed_start",
    "allowed_end",
    "mps",
    "local_send_time",
    "cap_mode",
)


def duplicate(campaign: Campaign, user=None, *, name: str = "") -> Campaign:
    from campaigns.services.ab_tests import copy_test

    data = {f: getattr(campaign, f) for f in COPY_FIELDS}
    copy = Campaign.objects.create(name=(name or f"Copy of {campaign.name}")[:150], created_by=user, **data)
    copy_test(campaign, copy)  # the A/B test's variants and settings
    return copy


def send_test(campaign: Campaign, to: str, user=None, *, sample: Contact | None = None, variant=None) -> Message:
    """One message to ``to`` rendered exactly as the campaign renders it for one contact (the
    contact with that number, else ``sample``, else the audience's first), built, sent and
    billed by the campaign's own builder, send task and backend call; recorded as a test of
    the campaign, counted in none of its figures. ``variant``: an A/B test's CampaignVariant
    to send instead of the campaign's own content (the message records which)."""
    from campaigns.services import routing
    from campaigns.services.ab_tests import campaign_with_variant
    from campaigns.services.launch_checks import connection_errors, sender_errors
    from campaigns.services.materialize import MessageBuilder
    from campaigns.services.messaging import SendError, normalize_number, queue_send
    from campaigns.services.shortener import save_pending, take_pending

    to = normalize_number(to)
    errors = connection_errors(campaign) + sender_errors(campaign) + content_errors(campaign)
    if errors:
        raise LaunchError(errors)
    contact = Contact.objects.filter(account_id=campaign.account_id, phone=to).first() or sample or sample_contact(campaign)
    content = campaign_with_variant(campaign, variant) if variant is not None else campaign
    row = MessageBuilder(content).build(*_contact_row(contact, to), to=to)
    routing.assign_rows(routing.router_for(campaign), [row])
    row.update(campaign_id=None, test_of_id=campaign.pk, contact_id=contact.pk if contact and contact.phone == to else None)
    row["variant_id"] = variant.pk if variant is not None else None
    if campaign.channel == "ussd":
        row["payload"] = {"op": "fin", "session_id": f"test{timezone.now():%H%M%S%f}"}
    amount = row["price"] * row["segments"]
    pending = take_pending([row])  # its short links work, and count in no campaign figure
    with transaction.atomic():
        if not ledger.reserve(campaign.account_id, amount):
            raise SendError(f"The balance does not cover this test ({format_money(amount, campaign.account.currency)} needed).")
        message = Message.objects.create(**row)
        save_pending(pending, [{**row, "id": message.pk}])
        StatusCount.objects.create(account_id=campaign.account_id, campaign=None, status=S.PENDING, count=1)
    queue_send([message.pk])
    return message


def _contact_row(contact: Contact | None, to: str) -> tuple:
    if contact is None:
        return None, to, "", "", {}
    return contact.pk, contact.phone, contact.first_name, contact.last_name, contact.attributes or {}


def sample_contact(campaign: Campaign) -> Contact | None:
    """The contact previews and test sends render for by default: the audience's first recipient."""
    from campaigns.services.audience import has_audience, recipients

    if not has_audience(campaign.audience) or (campaign.audience or {}).get("resend_of"):
        return None
    return recipients(campaign.account, campaign.audience, campaign.subaccount).order_by("pk").first()
