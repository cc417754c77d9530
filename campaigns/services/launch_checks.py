"""Everything launch checks, as one list the review step shows and ``launch`` enforces:
connection, sender approval, content (placeholders included), schedule and allowed hours,
audience after suppressions, the estimate, the balance and the subaccount's credit left.
Same figures, same words, same money format on the page, in the launch error and the API."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from campaigns.formatting import format_money, format_when
from campaigns.models import Campaign
from campaigns.rendering import account_fields, problems
from campaigns.services import ledger
from campaigns.services.audience import AudienceSummary, audience_summary
from campaigns.services.estimate import Estimate, estimate, message_text
from campaigns.services.smsinfo import sms_info

MAX_SMS_SEGMENTS = 10
MAX_WHATSAPP_CHARS = 4096
MAX_USSD_CHARS = 182


@dataclass(frozen=True)
class Check:
    key: str
    label: str
    value: str
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict:
        return {"key": self.key, "label": self.label, "value": self.value, "ok": self.ok, "problems": list(self.problems)}


@dataclass
class LaunchReport:
    checks: list[Check]
    estimate: Estimate | None = None
    audience: AudienceSummary | None = None
    placeholders: list[str] = field(default_factory=list)  # the text's own problems (a bad request in the API)

    @property
    def errors(self) -> list[str]:
        return [p for c in self.checks for p in c.problems]

    @property
    def ok(self) -> bool:
        return not self.errors and self.estimate is not None

    def failed(self, key: str) -> bool:
        return any(c.key == key and not c.ok for c in self.checks)

    def as_dict(self) -> dict:
        return {"ok": self.ok, "checks": [c.as_dict() for c in self.checks], "errors": self.errors}


def launch_checks(campaign: Campaign) -> LaunchReport:
    """Every limit launch enforces, with the figure it compares (the one function review and launch use)."""
    currency = campaign.account.currency
    checks: list[Check] = []
    if campaign.status != Campaign.Status.DRAFT:
        state = campaign.get_status_display().lower()
        checks.append(Check("state", "Status", state, (f"Only a draft can be launched; this campaign is {state}.",)))
    # Without a chosen connection the routes pick one per recipient (campaigns/services/routing).
    checks.append(Check("connection", *_connection_label(campaign), tuple(connection_errors(campaign))))
    checks.append(Check("sender", "Sender ID", _sender_value(campaign), tuple(sender_errors(campaign))))
    placeholders = placeholder_errors(campaign)
    content = tuple(channel_content_errors(campaign) + placeholders)
    checks.append(Check("content", "Content", "Ready to send" if not content else "Needs a fix", content))
    checks.append(Check("schedule", "Send time", schedule_summary(campaign), tuple(_schedule_errors(campaign))))
    summary = audience_summary(campaign.account, campaign.audience, campaign.subaccount)
    empty = ("The audience is empty: choose lists with contacts who are not suppressed.",) if summary.recipients == 0 else ()
    checks.append(Check("audience", "Recipients", _audience_value(summary), empty))
    report = LaunchReport(checks, audience=summary, placeholders=placeholders)
    if summary.recipients and not report.failed("connection"):
        report.estimate = est = estimate(campaign)
        checks += _money_checks(campaign, est, currency)
    return report


def _money_checks(campaign: Campaign, est: Estimate, currency: str) -> list[Check]:
    cost = format_money(est.cost, currency)
    value = f"{cost} for {est.recipients:,} message{'s' if est.recipients != 1 else ''} ({est.units:,} billed units)"
    if est.unpriced:
        value += f"; {est.unpriced:,} recipient(s) have no price for their destination"
    checks = [Check("estimate", "Estimated cost", value)]
    short = (
        ()
        if est.enough
        else (f"The balance does not cover this campaign: it costs about {cost}, {format_money(est.available, currency)} is available.",)
    )
    checks.append(Check("balance", "Balance available", format_money(est.available, currency), short))
    sub = campaign.subaccount
    if sub is not None and sub.credit_limit is not None:
        checks.append(_credit_check(sub, est.cost, currency))
    return checks


def _credit_check(sub, cost: Decimal, currency: str) -> Check:
    spent, held = ledger.subaccount_spent_and_held(sub.pk)
    room = sub.credit_limit - spent - held
    left = format_money(max(room, Decimal("0")), currency)
    limit = format_money(sub.credit_limit, currency)
    value = f"{left} of {limit} (spent {format_money(spent, currency)}, reserved {format_money(held, currency)})"
    over = ()
    if cost > room:
        over = (
            f"The subaccount {sub.name} would pass its credit limit of {limit}: this campaign costs about "
            f"{format_money(cost, currency)}, {left} is left.",
        )
    return Check("credit", f"Credit left in {sub.name}", value, over)


def _audience_value(summary: AudienceSummary) -> str:
    left_out = f"{summary.suppressed:,} suppressed, {summary.invalid:,} invalid, {summary.duplicate:,} duplicates"
    if summary.excluded:
        left_out += f", {summary.excluded:,} excluded"
    return f"{summary.recipients:,} (left out: {left_out})"


def _sender_value(campaign: Campaign) -> str:
    sender = campaign.sender
    if sender is None:
        return {"voice": "The default caller ID", "ussd": "None needed"}.get(campaign.channel, "–")
    return f"{sender.value} ({sender.get_status_display().lower()})"


def schedule_summary(campaign: Campaign) -> str:
    parts = [f"At {format_when(campaign.send_at)}" if campaign.send_at else "As soon as launched"]
    if campaign.allowed_start is not None and campaign.allowed_end is not None:
        parts.append(f"only {campaign.allowed_start:%H:%M}–{campaign.allowed_end:%H:%M} {campaign.timezone} time")
    if campaign.expires_at:
        parts.append(f"gives up at {format_when(campaign.expires_at)}")
    return "; ".join(parts)


def _connection_label(campaign: Campaign) -> tuple[str, str]:
    if campaign.connection_id:
        return "Connection", campaign.connection.name
    return "Routing", "Automatic (by the account's routes)"


def connection_errors(campaign: Campaign) -> list[str]:
    conn = campaign.connection
    if conn is None:
        from campaigns.services.routing import coverage_problems

        return coverage_problems(campaign)
    if conn.account_id != campaign.account_id or not conn.is_active:
        return ["The provider connection is not available."]
    try:
        serves = conn.serves(campaign.channel)
    except Exception:
        return [f"The connection's provider ({conn.provider}) is not installed."]
    if not serves:
        return [f"The connection {conn.name} does not send {campaign.get_channel_display()}."]
    return []


def sender_errors(campaign: Campaign) -> list[str]:
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
    from campaigns.services.limits import sender_problems

    return sender_problems(campaign.connection, campaign.channel, sender.value)


def placeholder_errors(campaign: Campaign) -> list[str]:
    """Every placeholder problem in the text and the channel options (variables, captions, steps)."""
    texts = [message_text(campaign)] if campaign.channel in ("sms", "ussd") else [campaign.text]
    texts += list(strings(campaign.content or {}))
    known = account_fields(campaign.account_id)
    return list(dict.fromkeys(p for text in texts if text for p in problems(text, known)))


def strings(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def content_errors(campaign: Campaign) -> list[str]:
    return channel_content_errors(campaign) + placeholder_errors(campaign)


def channel_content_errors(campaign: Campaign) -> list[str]:
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
        media = content.get("media") or {}
        if not (campaign.text.strip() or content.get("template_id") or campaign.template_id or media.get("id") or media.get("link")):
            return ["A WhatsApp campaign needs a text, an approved template or media."]
        if len(campaign.text) > MAX_WHATSAPP_CHARS:
            return [f"The text is longer than {MAX_WHATSAPP_CHARS} characters."]
        return []
    return _sms_errors(campaign)


def _sms_errors(campaign: Campaign) -> list[str]:
    text = message_text(campaign)
    if not text.strip():
        return ["The message text is empty."]
    info = sms_info(text)
    if info.segments > MAX_SMS_SEGMENTS:
        return [f"The message is {info.segments} SMS segments long; the most is {MAX_SMS_SEGMENTS}."]
    if campaign.connection_id:
        from campaigns.services.limits import text_problems

        return text_problems(campaign.connection, "sms", text)  # the provider's own limits, as for single sends
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
