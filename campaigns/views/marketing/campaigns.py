"""Campaign list and campaign page: live counts, charts, messages, actions, CSV export."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import datetime, tzinfo
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import Coalesce, Substr, TruncHour, TruncMinute
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from campaigns.formatting import ERROR_WORDS, format_money, words
from campaigns.forms.fields import object_id
from campaigns.models import Campaign, ContactList, Message, StatusCount, UssdSession
from campaigns.services import audit
from campaigns.services import campaigns as service
from campaigns.services.counts import campaign_counts, empty_counts
from campaigns.services.links import click_report
from campaigns.services.outcomes import call_outcome_label, failure_reason
from campaigns.services.rates import DELIVERY_RATE_HELP, rates
from campaigns.services.resend import resend_summary
from campaigns.services.send_rules.waves import summary as send_waves
from campaigns.spreadsheets import SafeCsvWriter
from campaigns.status import FAILURES, UNSENT_EXPIRY_CODE
from campaigns.views.marketing import ab_tests
from campaigns.views.marketing import campaign_state as state
from campaigns.views.marketing.campaign_routes import routing_summary
from campaigns.views.marketing.paging import keyset_page, search_term
from portal.tenancy import get_scoped, member_required, scoped, sender_required
from providers.base import MessageStatus as S

REPORTS_WINDOW = state.REPORTS_WINDOW
MESSAGE_COLUMNS = ("id", "to", "status", "error_code", "error_raw", "error_message", "network", "cost", "created_at")
MESSAGE_COLUMNS += ("queued_at", "submitted_at", "sent_at", "delivered_at", "failed_at")
MESSAGE_COLUMNS += ("call_outcome", "call_dtmf", "contact__first_name", "contact__last_name")
MESSAGES_PER_PAGE = 25
REACHED = {S.SUBMITTED, S.SENT, S.DELIVERED, S.UNDELIVERED, S.EXPIRED, S.REJECTED}


def progress(counts: dict[str, int], expired_unsent: int = 0) -> dict[str, Any]:
    """Done share and every rate of a campaign (or an account) from its status counts,
    through the one definition (campaigns/services/rates.py)."""
    figures = rates(counts, expired_unsent).as_dict()
    figures["percent"] = figures["percent_done"]
    return figures


def campaign_progress(campaign: Campaign, counts: dict[str, int]) -> dict[str, Any]:
    return progress(counts, campaign.expired_unsent)


def resend_count(campaign: Campaign, counts: dict[str, int]) -> int:
    """How many recipients "Resend to failed" would reach: the resend's own query, run only
    when the counts read with it show a failure (so button and tiles agree)."""
    if campaign.is_test or not any(counts.get(str(s), 0) for s in FAILURES):
        return 0
    return resend_summary(campaign).recipients


def is_live(campaign: Campaign, counts: dict[str, int]) -> bool:
    """Worth polling: sending, or sent recently with delivery reports still to come."""
    if campaign.is_active:
        return True
    waiting = rates(counts).final < counts.get("total", 0)
    recent = campaign.finished_at is not None and timezone.now() - campaign.finished_at < REPORTS_WINDOW
    return waiting and recent


def counts_for(campaign_ids: list[int]) -> dict[int, dict[str, int]]:
    """Status counts of many campaigns in one query over the delta rows."""
    found: dict[int, dict[str, int]] = defaultdict(empty_counts)
    rows = StatusCount.objects.filter(campaign_id__in=campaign_ids).values("campaign_id", "status").annotate(n=Sum("count"))
    for row in rows:
        found[row["campaign_id"]][row["status"]] = int(row["n"] or 0)
    for counts in found.values():
        counts["total"] = sum(v for k, v in counts.items() if k != "total")
    return found


def campaign_rows(campaigns: list[Campaign], counts: dict[int, dict[str, int]]) -> list[dict[str, Any]]:
    """Rows of a campaign table: progress and the same headline as the campaign page."""
    rows = []
    for c in campaigns:
        found = counts.get(c.pk) or {**empty_counts(), "total": 0}
        rows.append({"campaign": c, "headline": state.headline(c, found), **campaign_progress(c, found)})
    return rows


def _ids(values: Any) -> list[int]:
    return [pk for pk in map(object_id, values or []) if pk is not None]


def _campaigns(request: HttpRequest) -> QuerySet:
    return scoped(request, Campaign.objects.select_related("connection", "sender"))


@member_required
def campaign_index(request: HttpRequest) -> HttpResponse:
    qs = _campaigns(request).filter(is_test=False)
    status = request.GET.get("status", "")
    if status in Campaign.Status.values:
        qs = qs.filter(status=status)
    q = search_term(request)
    if q:
        qs = qs.filter(name__icontains=q)
    page = keyset_page(request, qs, size=25)
    counts = counts_for([c.pk for c in page.items])
    rows = campaign_rows(page.items, counts)
    context = {
        "rows": rows,
        "status": status,
        "q": q,
        "statuses": Campaign.Status.choices,
        "rate_help": DELIVERY_RATE_HELP,
        **page.context(),
    }
    return render(request, "campaigns/index.html", context)


@member_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_scoped(request, Campaign.objects.select_related("connection", "sender", "template", "created_by"), pk=pk)
    counts = campaign_counts(campaign)
    context = {
        "campaign": campaign,
        "counts": counts,
        "progress": campaign_progress(campaign, counts),
        "rate_help": DELIVERY_RATE_HELP,
        "resend_count": resend_count(campaign, counts),
        "resend_of": scoped(request, Campaign.objects.filter(pk__in=_ids([campaign.audience.get("resend_of")]))).first(),
        "headline": state.headline(campaign, counts),
        "has_messages": state.has_messages(counts),
        "live": is_live(campaign, counts),
        "audience_lists": scoped(request, ContactList.objects.filter(pk__in=_ids(campaign.audience.get("lists")))),
    }
    context["ab"] = ab_tests.results_context(request, campaign)
    if context["has_messages"]:
        context.update(_sending_context(request, campaign, counts), waves=send_waves(campaign))
        context["routing"] = routing_summary(campaign, admin=request.membership.is_admin)
    elif campaign.status not in (Campaign.Status.CANCELLED, Campaign.Status.FAILED, Campaign.Status.COMPLETED):
        context["plan"] = state.plan(campaign)
    return render(request, "campaigns/detail.html", context)


def _sending_context(request: HttpRequest, campaign: Campaign, counts: dict[str, int]) -> dict[str, Any]:
    """Tiles, status breakdown and one page of the messages table (with contact names)."""
    msgs = Message.objects.filter(campaign=campaign).select_related("contact").only(*MESSAGE_COLUMNS)
    # The time of the status each message holds now: its latest stage.
    msgs = msgs.annotate(status_at=Coalesce("delivered_at", "failed_at", "sent_at", "submitted_at", "queued_at", "created_at"))
    status_filter = request.GET.get("status", "")
    if status_filter in counts and status_filter != "total":
        msgs = msgs.filter(status=status_filter)
    page = keyset_page(request, msgs, size=MESSAGES_PER_PAGE)
    return {
        "tiles": state.tiles(counts),
        "breakdown": state.breakdown(counts),
        "status_filter": status_filter,
        "clicks": click_report(campaign),
        **page.context(),
    }


@member_required
def campaign_counts_json(request: HttpRequest, pk: int) -> JsonResponse:
    campaign = get_scoped(request, Campaign.objects.all(), pk=pk)
    counts = campaign_counts(campaign)
    return JsonResponse(
        {
            "status": campaign.status,
            "status_label": campaign.get_status_display(),
            "status_reason": campaign.status_reason,
            "headline": state.headline(campaign, counts),
            "active": is_live(campaign, counts),
            "counts": counts,
            "tiles": state.tiles(counts),
            "breakdown": state.breakdown(counts),
            "progress": campaign_progress(campaign, counts),
            "resend": resend_count(campaign, counts),
            "recipients": campaign.recipients,
            "dropped": {
                "suppressed": campaign.dropped_suppressed,
                "invalid": campaign.dropped_invalid,
                "duplicate": campaign.dropped_duplicate,
            },
            "spent": str(campaign.spent),
            "spent_text": format_money(campaign.spent, request.account.currency),
        }
    )


def _grouped(qs: QuerySet, field: str, limit: int = 12) -> list[list[Any]]:
    rows = qs.exclude(**{field: ""}).values(field).annotate(n=Count("id")).order_by("-n", field)[:limit]
    return [[row[field], row["n"]] for row in rows]


def _errors(qs: QuerySet, campaign: Campaign, limit: int = 12) -> list[list[Any]]:
    """Failures by reason; a call's reason is its outcome in words (busy, rejected, ...)."""
    failed = qs.filter(status__in=FAILURES | {S.UNKNOWN}).exclude(error_code=UNSENT_EXPIRY_CODE)
    if campaign.channel != "voice":
        return _reasons(failed)
    tally: Counter = Counter()
    for row in failed.values("error_code", "call_outcome").annotate(n=Count("id")):
        reason = failure_reason(row["error_code"], row["call_outcome"])
        if reason:
            tally[reason] += row["n"]
    return [[reason, n] for reason, n in sorted(tally.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]


def _in_words(rows: list[list[Any]]) -> list[list[Any]]:
    merged: Counter = Counter()
    for outcome, n in rows:
        merged[call_outcome_label(outcome)] += n
    return [[label, n] for label, n in sorted(merged.items(), key=lambda kv: (-kv[1], kv[0]))]


def _over_time(qs: QuerySet, campaign: Campaign) -> list[list[Any]]:
    """Deliveries per minute (short campaigns) or per hour."""
    span = (campaign.finished_at or campaign.updated_at) - (campaign.started_at or campaign.created_at)
    per_minute = span.total_seconds() < 6 * 3600
    if connection.vendor == "sqlite":
        # SQLite keeps datetimes as ISO text: a prefix is the bucket, far faster than
        # Django's Trunc (a Python function called per row there).
        bucket = Substr("delivered_at", 1, 16 if per_minute else 13)
    else:
        bucket = (TruncMinute if per_minute else TruncHour)("delivered_at")
    rows = qs.filter(delivered_at__isnull=False).annotate(t=bucket).values("t").annotate(n=Count("id")).order_by("t")[:500]
    return [[_iso(row["t"], per_minute), row["n"]] for row in rows]


def _reasons(failed: QuerySet) -> list[list[Any]]:
    """Why messages were not delivered, in words; those without a code are counted too."""
    rows = [[words(code, ERROR_WORDS), n] for code, n in _grouped(failed, "error_code")]
    unexplained = failed.filter(error_code="").count()
    return [*rows, ["No reason given", unexplained]] if unexplained else rows


def _iso(value: Any, per_minute: bool) -> str:
    if isinstance(value, str):
        return value.replace(" ", "T") + (":00" if per_minute else ":00:00") + "+00:00"
    return value.isoformat()


def _ussd_answers(campaign: Campaign) -> list[list[Any]]:
    """Answers per step, named by the option's label where the step offered it."""
    tally: Counter = Counter()
    for answers in UssdSession.objects.filter(campaign=campaign).values_list("answers", flat=True)[:20000]:
        for item in answers or []:
            tally[(item.get("step", 0), str(item.get("answer", "")), item.get("choice") or "")] += 1
    options = [(s.get("options") or {}) if isinstance(s, dict) else {} for s in (campaign.content or {}).get("steps") or []]
    merged: Counter = Counter()
    for (step, answer, choice), n in tally.items():
        label = choice or (options[step].get(answer, "") if 0 <= step < len(options) else "")
        merged[f"Step {step + 1}: {label} ({answer})" if label else f"Step {step + 1}: {answer}"] += n
    return [[name, n] for name, n in sorted(merged.items(), key=lambda kv: (-kv[1], kv[0]))[:20]]


def campaign_stats(campaign: Campaign) -> dict[str, Any]:
    """The chart data of a campaign page (cached briefly: it reads the messages)."""
    counts = campaign_counts(campaign)
    # Any status change changes the key, so a cached answer is never behind the counts.
    key = f"campaign-stats:{campaign.pk}:{campaign.status}:" + ":".join(str(counts[str(s)]) for s in S)
    cached = cache.get(key)
    if cached is not None:
        return cached
    qs = Message.objects.filter(campaign=campaign)
    stats = {
        "funnel": [
            ["Recipients", counts["total"]],
            ["Submitted", sum(counts[str(s)] for s in REACHED)],
            ["Sent", sum(counts[str(s)] for s in REACHED - {S.SUBMITTED})],
            ["Delivered", counts[S.DELIVERED]],
        ],
        "statuses": [[row["status"], row["count"]] for row in state.breakdown(counts)],
        "over_time": _over_time(qs, campaign),
        "errors": _errors(qs, campaign),
        "networks": _grouped(qs, "network"),
        "cost_by_network": [
            [r["network"] or "Not reported", float(r["c"])]
            for r in qs.values("network").annotate(c=Sum("cost")).filter(c__gt=0).order_by("-c")[:12]
        ],
        "voice_outcomes": _in_words(_grouped(qs, "call_outcome")) if campaign.channel == "voice" else [],
        "dtmf": _grouped(qs, "call_dtmf") if campaign.channel == "voice" else [],
        "ussd_answers": _ussd_answers(campaign) if campaign.channel == "ussd" else [],
        "cost": float(campaign.spent),
    }
    cache.set(key, stats, 5 if campaign.is_active else 300)
    return stats


@member_required
def campaign_stats_json(request: HttpRequest, pk: int) -> JsonResponse:
    campaign = get_scoped(request, Campaign.objects.all(), pk=pk)
    return JsonResponse(campaign_stats(campaign))


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_rows(qs: QuerySet, zone: tzinfo) -> Iterator[str]:
    """Times in the viewer's zone (captured by the view: the body streams after the request)."""
    writer = SafeCsvWriter(_Echo())
    header = ["id", "to", "status", "error_code", "provider_error", "error_message", "provider_message_id", "network", "segments", "cost"]
    times = ["created_at", "submitted_at", "delivered_at"]
    yield writer.writerow([*header, "call_outcome", "dtmf", *(f"{t} ({zone})" for t in times)])
    fields = [*header[:-2], "segments", "cost", "call_outcome", "call_dtmf", *times]
    fields[4] = "error_raw"
    for row in qs.values_list(*fields).iterator(chunk_size=2000):
        yield writer.writerow([_csv_value(v, zone) for v in row])


def _csv_value(value: Any, zone: tzinfo) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")
    return value


@member_required
def campaign_export(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    campaign = get_scoped(request, Campaign.objects.all(), pk=pk)
    qs = Message.objects.filter(campaign=campaign).order_by("id")
    audit.record("campaign.exported", target=campaign, changes={"what": "messages CSV (recipients' numbers)"})
    response = StreamingHttpResponse(_csv_rows(qs, timezone.get_current_timezone()), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="campaign-{campaign.pk}-messages.csv"'
    return response


def _act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Run a lifecycle action of the engine, with a clear message either way."""
    campaign = get_scoped(request, Campaign.objects.all(), pk=pk)
    try:
        if action == "pause":
            service.pause(campaign, reason=f"Paused by {request.user.get_username()}")
        elif action == "resume":
            service.resume(campaign)
        elif action == "cancel":
            service.cancel(campaign)
        elif action == "duplicate":
            copy = service.duplicate(campaign, request.user)
            messages.success(request, "A new draft was made from this campaign.")
            return redirect("compose_step", pk=copy.pk, step="review")
        elif action == "resend_failed":
            return redirect("campaign_resend", pk=pk)  # the number first, on its own page
    except service.LaunchError as exc:
        messages.error(request, " ".join(exc.errors))
    except (service.CampaignStateError, ValueError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, {"pause": "Campaign paused.", "resume": "Campaign resumed.", "cancel": "Campaign cancelled."}[action])
    return redirect("campaign_detail", pk=pk)


@sender_required
@require_POST
def campaign_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    return _act(request, pk, action.replace("-", "_"))


@sender_required
@require_POST
def campaign_delete(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_scoped(request, Campaign.objects.all(), pk=pk)
    if campaign.status != Campaign.Status.DRAFT:
        messages.error(request, "Only a draft can be deleted; cancel a launched campaign instead.")
        return redirect("campaign_detail", pk=pk)
    campaign.delete()
    messages.success(request, "Draft deleted.")
    return redirect("campaigns")
