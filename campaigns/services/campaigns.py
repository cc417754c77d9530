"""Campaign lifecycle: validate and launch, pause, resume, cancel, duplicate, resend the
failed, and a test send to one's own number."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from campaigns.models import Campaign, Message
from campaigns.services import audit, ledger
from campaigns.services.audience import audience_summary
from campaigns.services.estimate import estimate, message_text
from campaigns.services.smsinfo import sms_info
from campaigns.services.windows import zone
from providers.base import MessageStatus as S

log = logging.getLogger(__name__)

MAX_SMS_SEGMENTS = 10
MAX_WHATSAPP_CHARS = 4096
MAX_USSD_CHARS = 182
START_NOW_WITHIN = timedelta(seconds=5)


class LaunchError(Exception):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


class CampaignStateError(Exception):
    """The campaign is not in a state that allows this."""


def validate_for_launch(campaign: Campaign) -> list[str]:
    """Everything that would stop the campaign, as messages a marketer understands."""
    return _validate(campaign)[0]


def _validate(campaign: Campaign):
    """(errors, the estimate when it was computed)."""
    errors: list[str] = []
    est = None
    if campaign.status != Campaign.Status.DRAFT:
        errors.append(f"Only a draft can be launched; this campaign is {campaign.get_status_display().lower()}.")
    errors += _connection_errors(campaign)
    errors += _sender_errors(campaign)
    errors += content_errors(campaign)
    errors += _schedule_errors(campaign)
    summary = audience_summary(campaign.account, campaign.audience, campaign.subaccount)
    if summary.recipients == 0:
        errors.append("The audience is empty: choose lists with contacts who are not suppressed.")
    elif not errors:
        est = estimate(campaign)
        if not est.enough:
            errors.append(
                f"The balance does not cover this campaign: it costs about {est.cost} {campaign.account.currency}, "
                f"{est.available} is available."
            )
        errors += _credit_limit_errors(campaign, est.cost)
    return errors, est


def _credit_limit_errors(campaign: Campaign, cost) -> list[str]:
    sub = campaign.subaccount
    if sub is None or sub.credit_limit is None:
        return []
    committed = ledger.subaccount_committed(sub.pk)
    if committed + cost <= sub.credit_limit:
        return []
    left = max(sub.credit_limit - committed, 0)
    return [
        f"The subaccount {sub.name} would pass its credit limit of {sub.credit_limit} {campaign.account.currency}: "
        f"this campaign costs about {cost}, {left} is left."
    ]


def _connection_errors(campaign: Campaign) -> list[str]:
    conn = campaign.connection
    if conn is None:
        return ["Choose a provider connection."]
    if conn.account_id != campaign.account_id or not conn.is_active:
        return ["The provider connection is not available."]
    try:
        serves = conn.serves(campaign.channel)
    except Exception:
        return [f"The connection's provider ({conn.provider}) is not installed."]
    if not serves:
        return [f"The connection {conn.name} does not send {campaign.get_channel_display()}."]
    return []


def _sender_errors(campaign: Campaign) -> list[str]:
    sender = campaign.sender
    if sender is None:
        # Voice may go without a caller ID (the provider's default; VT's voice OTP has its own).
        return [] if campaign.channel in ("ussd", "voice") else ["Choose an approved sender ID."]
    if sender.account_id != campaign.account_id:
        return ["The sender ID is not available."]
    if not sender.usable:
        return [f"The sender ID {sender.value} is not approved ({sender.get_status_display().lower()})."]
    if sender.channel != campaign.channel:
        return [f"The sender ID {sender.value} is for {sender.get_channel_display()}, not {campaign.get_channel_display()}."]
    if sender.connection_id and campaign.connection_id and sender.connection_id != campaign.connection_id:
        return [f"The sender ID {sender.value} is approved on another connection."]
    return []


def content_errors(campaign: Campaign) -> list[str]:
    channel = campaign.channel
    content = campaign.content or {}
    if channel == "ussd":
        steps = content.get("steps")
        if not steps or not isinstance(steps, list) or not all(isinstance(s, dict) and str(s.get("text", "")).strip() for s in steps):
            return ["A USSD campaign needs at least one menu step with text."]
        long = [i + 1 for i, s in enumerate(steps) if len(str(s["text"])) > MAX_USSD_CHARS]
        return [f"USSD step {i} is longer than {MAX_USSD_CHARS} characters." for i in long]
    if channel == "voice":
        if not (campaign.text.strip() or content.get("recording") or content.get("call_template")):
            return ["A voice campaign needs a text to read, a recording or a call template."]
        return []
    if channel == "whatsapp":
        if not (campaign.text.strip() or content.get("template_id") or campaign.template_id):
            return ["A WhatsApp campaign needs a text or an approved template."]
        if len(campaign.text) > MAX_WHATSAPP_CHARS:
            return [f"The text is longer than {MAX_WHATSAPP_CHARS} characters."]
        return []
    text = message_text(campaign)
    if not text.strip():
        return ["The message text is empty."]
    info = sms_info(text)
    if info.segments > MAX_SMS_SEGMENTS:
        return [f"The message is {info.segments} SMS segments long; the most is {MAX_SMS_SEGMENTS}."]
    if info.encoding == "ucs2" and campaign.connection_id:
        from providers.base import Capability

        try:
            caps = campaign.connection.capabilities()
        except Exception:
            caps = frozenset()
        if caps and Capability.SMS_UNICODE not in caps:
            return [f"This connection cannot send Unicode text (characters: {''.join(info.ucs2_chars[:10])})."]
    return []


def _schedule_errors(campaign: Campaign) -> list[str]:
    errors = []
    now = timezone.now()
    if campaign.timezone:
        try:
            from zoneinfo import ZoneInfo

            ZoneInfo(campaign.timezone)
        except Exception:
            errors.append(f"Unknown timezone {campaign.timezone!r}.")
    if campaign.send_at and campaign.send_at < now - timedelta(minutes=5):
        errors.append("The send time is in the past.")
    if campaign.expires_at:
        if campaign.expires_at <= now:
            errors.append("The expiry time is in the past.")
        elif campaign.send_at and campaign.expires_at <= campaign.send_at:
            errors.append("The campaign would expire before it starts.")
    if (campaign.allowed_start is None) != (campaign.allowed_end is None):
        errors.append("Give both ends of the allowed hours, or neither.")
    elif campaign.allowed_start is not None and campaign.allowed_start == campaign.allowed_end:
        errors.append("The allowed hours start and end at the same time.")
    return errors


def launch(campaign: Campaign, user=None) -> None:
    """Validate, reserve the estimate, draft -> scheduled, and schedule the start."""
    errors, est = _validate(campaign)
    if errors or est is None:
        raise LaunchError(errors or ["The campaign cannot be estimated."])
    with transaction.atomic():
        if not Campaign.objects.filter(pk=campaign.pk, status=Campaign.Status.DRAFT).update(
            status=Campaign.Status.SCHEDULED, launched_at=timezone.now(), estimated_cost=est.cost, status_reason=""
        ):
            raise LaunchError(["The campaign was launched or changed meanwhile."])
        if not ledger.reserve(campaign.account_id, est.cost, campaign.pk):
            raise LaunchError([f"The balance does not cover this campaign ({est.cost} needed)."])
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
    """Stop for good: what is not sent yet fails as cancelled; the reservation is released."""
    from campaigns.services.pipeline import fail_cancelled

    if not Campaign.objects.filter(pk=campaign.pk, status__in=["draft", "scheduled", "running", "paused"]).update(
        status=Campaign.Status.CANCELLED, finished_at=timezone.now()
    ):
        raise CampaignStateError(f"A {campaign.status} campaign cannot be cancelled.")
    audit.record("campaign.cancelled", target=campaign)
    fail_cancelled(campaign)
    if not Message.objects.filter(campaign=campaign, status=S.QUEUED).exists():
        ledger.release_all(campaign)
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
)


def duplicate(campaign: Campaign, user=None, *, name: str = "") -> Campaign:
    data = {f: getattr(campaign, f) for f in COPY_FIELDS}
    return Campaign.objects.create(name=(name or f"Copy of {campaign.name}")[:150], created_by=user, **data)


def resend_failed(campaign: Campaign, user=None) -> Campaign:
    """A new draft to the contacts whose messages failed (by the provider or the network)."""
    from campaigns.models import ContactList, ListMembership

    failed = S.FAILED, S.UNDELIVERED, S.EXPIRED, S.REJECTED
    contact_ids = list(
        Message.objects.filter(campaign=campaign, status__in=failed, contact__isnull=False)
        .exclude(error_code="cancelled")
        .values_list("contact_id", flat=True)
        .distinct()
    )
    with transaction.atomic():
        name = f"Failed of {campaign.name} #{campaign.pk} ({timezone.now():%Y-%m-%d %H:%M:%S})"[:120]
        target = ContactList.objects.create(account_id=campaign.account_id, subaccount_id=campaign.subaccount_id, name=name)
        ListMembership.objects.bulk_create([ListMembership(contact_list=target, contact_id=c) for c in contact_ids], batch_size=2000)
        copy = duplicate(campaign, user, name=f"Resend failed: {campaign.name}")
        copy.audience = {"lists": [target.pk]}
        copy.save(update_fields=["audience"])
    return copy


def send_test(campaign: Campaign, to: str, user=None) -> Message:
    """One message with the campaign's content to ``to`` (the user's own number), through
    the same connection; not part of the campaign's counts."""
    from campaigns.services.messaging import send_single

    payload = dict(campaign.content or {})
    text = message_text(campaign)
    if campaign.channel == "ussd":
        payload = {"op": "fin", "session_id": f"test{timezone.now():%H%M%S%f}"}
    return send_single(
        account=campaign.account,
        connection=campaign.connection,
        channel=campaign.channel,
        to=to,
        sender=campaign.sender.value if campaign.sender_id else "",
        text=text,
        payload=payload,
        flash=campaign.flash,
        subaccount=campaign.subaccount,
        user=user,
        render_with={"phone": to},
    )
