"""The campaign composer: a draft campaign edited step by step, then reviewed, test-sent
and launched. JSON endpoints serve the live counter, preview and audience count."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from campaigns.encoding import analyze
from campaigns.forms.composer import (
    AudienceStepForm,
    ChannelStepForm,
    ContentStepForm,
    ScheduleStepForm,
    SenderStepForm,
    senders_for,
)
from campaigns.forms.fields import object_id
from campaigns.forms.phones import PhoneError, normalize_phone
from campaigns.models import Campaign, Contact, ContactList, Segment, SenderID, Template, VoiceRecording
from campaigns.models.senders import CHANNEL_CHOICES
from campaigns.rendering import BUILTIN, account_fields, fill_template, problems, render_empty
from campaigns.rendering import render as render_text
from campaigns.services.audience import audience_names, audience_summary, has_audience
from campaigns.services.campaigns import LaunchError, launch, sample_contact
from campaigns.services.channel_offers import channel_offers
from campaigns.services.launch_checks import launch_checks
from campaigns.services.send_rules.preview import preview as send_time_preview
from campaigns.services.send_rules.preview import quiet_hours_text
from campaigns.services.shortener import TRACKED_CHANNELS, measured, tracks_links
from campaigns.views.marketing.campaign_routes import routing_summary
from portal.tenancy import get_scoped, member_required, scoped, sender_required

STEPS = [
    ("channel", "Channel"),
    ("sender", "Sender"),
    ("content", "Content"),
    ("audience", "Audience"),
    ("schedule", "Schedule"),
    ("review", "Review"),
]
STEP_NAMES = [s for s, _ in STEPS]


def _draft(request: HttpRequest, pk: int) -> Campaign:
    return get_scoped(request, Campaign.objects.select_related("sender", "template"), pk=pk)


def _steps_context(campaign: Campaign | None, current: str) -> dict[str, Any]:
    reached = STEP_NAMES.index(_first_missing(campaign)) if campaign else 0
    steps = [{"name": n, "label": lbl, "reachable": i <= reached, "current": n == current} for i, (n, lbl) in enumerate(STEPS)]
    return {"steps": steps, "step": current, "campaign": campaign}


def _first_missing(campaign: Campaign) -> str:
    """The first step the draft still needs (review when all are done)."""
    if not campaign.name:
        return "channel"
    if campaign.channel in ("sms", "whatsapp") and not campaign.sender_id:
        return "sender"
    if not (
        campaign.text
        or campaign.content.get("steps")
        or campaign.content.get("recording_id")
        or campaign.template_id
        or campaign.content.get("media")
    ):
        return "content"
    if not has_audience(campaign.audience):
        return "audience"
    return "review"


def _channel_context(request: HttpRequest) -> dict[str, Any]:
    offers = channel_offers(request.account, _subaccount(request))
    missing = [label for channel, label in CHANNEL_CHOICES if not offers[channel]["available"]]
    return {"offers": offers, "unavailable": missing, "nothing_available": len(missing) == len(CHANNEL_CHOICES)}


def _subaccount(request: HttpRequest):
    return None if request.membership.is_admin else request.membership.subaccount


def _next_step(step: str) -> str:
    return STEP_NAMES[STEP_NAMES.index(step) + 1]


def _locked(request: HttpRequest, campaign: Campaign) -> HttpResponse | None:
    if campaign.status != Campaign.Status.DRAFT:
        messages.error(request, "This campaign was launched: it can no longer be edited. Duplicate it to make a new draft.")
        return redirect("campaign_detail", pk=campaign.pk)
    return None


@sender_required
def compose_new(request: HttpRequest) -> HttpResponse:
    form = ChannelStepForm(request.POST or None, offers=channel_offers(request.account, _subaccount(request)), initial={"channel": "sms"})
    if request.method == "POST" and form.is_valid():
        campaign = Campaign(
            account=request.account, subaccount=request.membership.subaccount, created_by=request.user, timezone=request.account.timezone
        )
        form.apply(campaign)
        campaign.save()
        return redirect("compose_step", pk=campaign.pk, step="sender")
    context = {**_steps_context(None, "channel"), "form": form, **_channel_context(request)}
    return render(request, "campaigns/compose_channel.html", context)


@sender_required
def compose_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    campaign = _draft(request, pk)
    locked = _locked(request, campaign)
    if locked or step not in STEP_NAMES:
        return locked or redirect("compose_step", pk=pk, step="channel")
    if step == "review":
        return review(request, campaign)
    form = _step_form(request, campaign, step)
    if request.method == "POST" and form.is_valid():
        form.apply(campaign)
        campaign.save()
        if step == "content" and request.POST.get("then") == "ab-test":  # the A/B test's variants (views/marketing/ab_tests.py)
            return redirect("compose_ab_test", pk=pk)
        return redirect("compose_step", pk=pk, step=_next_step(step))
    return render(
        request, f"campaigns/compose_{step}.html", {**_steps_context(campaign, step), "form": form, **_step_extra(request, campaign, step)}
    )


def _step_form(request: HttpRequest, campaign: Campaign, step: str):
    data = request.POST if request.method == "POST" else None
    if step == "channel":
        initial = {
            "name": campaign.name,
            "channel": campaign.channel,
            "flash": campaign.flash,
            "voice_kind": campaign.content.get("kind"),
            "whatsapp_type": campaign.content.get("type"),
        }
        return ChannelStepForm(data, offers=channel_offers(request.account, _subaccount(request)), initial=initial)
    if step == "sender":
        required = campaign.channel in ("sms", "whatsapp")
        return SenderStepForm(data, senders=_senders(request, campaign), required=required, initial={"sender": campaign.sender_id})
    if step == "content":
        return ContentStepForm(
            data,
            campaign=campaign,
            templates=scoped(request, Template.objects.all()),
            recordings=scoped(request, VoiceRecording.objects.all()),
            known_fields=account_fields(request.account.pk),
            initial=ContentStepForm.initial_for(campaign),
        )
    if step == "audience":
        keys = ("lists", "exclude_lists", "segments", "exclude_segments")
        initial = {key: campaign.audience.get(key, []) for key in keys}
        segments = scoped(request, Segment.objects.all())
        return AudienceStepForm(data, lists=scoped(request, ContactList.objects.all()), segments=segments, initial=initial)
    return ScheduleStepForm(data, campaign=campaign, initial=ScheduleStepForm.initial_for(campaign))


def _senders(request: HttpRequest, campaign: Campaign):
    return senders_for(campaign, scoped(request, SenderID.objects.all()))


def _step_extra(request: HttpRequest, campaign: Campaign, step: str) -> dict[str, Any]:
    if step == "channel":
        return _channel_context(request)
    if step == "content":
        sample = _sample_contact(request, campaign)
        custom = [f for f in account_fields(request.account.pk) if f not in BUILTIN]
        option = campaign.content.get("kind") or campaign.content.get("type") or ""
        return {"custom_fields": custom, "sample": sample, "option": option, "short_link_sample": measured("http://x")}
    if step == "schedule":
        return {"quiet_hours": quiet_hours_text(request.account)}
    return {}


def _ids(values: list[str]) -> list[int]:
    """The ids among the values that a database could hold (others match nothing)."""
    return [pk for pk in map(object_id, values) if pk is not None]


def _summary(request: HttpRequest, spec: dict):
    membership = request.membership
    subaccount = None if membership.is_admin else membership.subaccount
    return audience_summary(request.account, spec, subaccount=subaccount)


def _chosen_sample(request: HttpRequest) -> Contact | None:
    """The contact whose number the marketer typed into "preview for"."""
    phone = request.POST.get("sample", request.GET.get("sample", "")).strip()
    if not phone:
        return None
    try:
        phone = normalize_phone(phone)
    except PhoneError:
        return None
    return Contact.objects.filter(account=request.account, phone=phone).first()


def _sample_contact(request: HttpRequest, campaign: Campaign | None) -> Contact | dict:
    """The contact previews and test sends render for: the audience's first recipient (else any)."""
    contact = (sample_contact(campaign) if campaign else None) or Contact.objects.filter(account=request.account).order_by("pk").first()
    return contact or {"first_name": "Amina", "last_name": "Khan", "phone": "+923001234567"}


def review(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    """The summary and the content as recipients get it; the limits launch checks load from estimate.json."""
    from campaigns.views.marketing.composer_tests import test_form_for

    missing = _first_missing(campaign)
    sample = _sample_contact(request, campaign)
    rendered = measured(render_text(campaign.text, sample), tracks_links(campaign)) if campaign.text else ""
    context = {
        **_steps_context(campaign, "review"),
        "missing": missing if missing != "review" else "",
        "test_form": test_form_for(request, campaign),
        "launch_errors": request.session.pop(f"launch_errors_{campaign.pk}", []),
        "preview": rendered,
        "preview_empty": _empty_preview(campaign.text, rendered),
        "sample": sample,
        "sms": analyze(rendered) if campaign.channel == "sms" and rendered else None,
        "whatsapp_preview": _whatsapp_preview(campaign, sample),
        "recording": _recording(request, campaign),
        "audience_names": audience_names(request.account, campaign.audience),
        "ab": _ab_plan(campaign),
        "send_time": send_time_preview(campaign, None if request.membership.is_admin else request.membership.subaccount),
        "quiet_hours": quiet_hours_text(request.account),
        "routing": routing_summary(campaign, admin=request.membership.is_admin) if missing == "review" else None,
    }
    return render(request, "campaigns/compose_review.html", context)


def _ab_plan(campaign: Campaign):
    from campaigns.views.marketing.ab_tests import review_plan

    return review_plan(campaign, sample_audience_size(campaign))


def sample_audience_size(campaign: Campaign) -> int | None:
    from campaigns.views.marketing.campaign_state import cached_summary

    return cached_summary(campaign).recipients if has_audience(campaign.audience) else None


def _empty_preview(text: str, rendered: str) -> str:
    """What a contact with empty fields gets, when that differs from the sample's text."""
    empty = render_empty(text) if text and "{{" in text else ""
    return empty if empty != rendered else ""


def _whatsapp_preview(campaign: Campaign, sample) -> str:
    if campaign.channel != "whatsapp" or not campaign.template_id or campaign.template is None:
        return ""
    values = [render_text(v, sample) for v in (campaign.content or {}).get("variables") or []]
    return fill_template(campaign.template.body, campaign.template.variables or [], values)


def _recording(request: HttpRequest, campaign: Campaign) -> VoiceRecording | None:
    pk = (campaign.content or {}).get("recording_id")
    return scoped(request, VoiceRecording.objects.all()).filter(pk=pk).first() if campaign.channel == "voice" and pk else None


def _estimate_data(request: HttpRequest, campaign: Campaign) -> dict[str, Any]:
    """Every limit launch will check, with its figure (the same function launch runs)."""
    report = launch_checks(campaign)
    est, summary = report.estimate, report.audience
    data: dict[str, Any] = {**report.as_dict(), "currency": request.account.currency, "audience": summary.__dict__ if summary else None}
    if est is not None:
        data.update(
            recipients=est.recipients,
            units=est.units,
            cost=str(est.cost),
            balance=str(est.balance),
            available=str(est.available),
            enough=est.enough,
            unpriced=est.unpriced,
        )
    return data


@sender_required
def compose_estimate(request: HttpRequest, pk: int) -> JsonResponse:
    """The launch checks of a draft, cached until the draft or the balance changes."""
    campaign = _draft(request, pk)
    if not has_audience(campaign.audience):
        return JsonResponse({"error": "Choose the audience first."}, status=400)
    key = f"launch-checks:{campaign.pk}:{campaign.updated_at.timestamp()}:{request.account.balance}:{request.account.reserved}"
    data = cache.get(key)
    if data is None:
        data = _estimate_data(request, campaign)
        cache.set(key, data, 60)
    return JsonResponse(data)


@sender_required
@require_POST
def compose_launch(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _draft(request, pk)
    if (locked := _locked(request, campaign)) is not None:
        return locked
    try:
        launch(campaign, request.user)
    except LaunchError as exc:
        request.session[f"launch_errors_{pk}"] = list(exc.errors)
        return redirect("compose_step", pk=pk, step="review")
    messages.success(request, "Campaign launched." if not campaign.send_at else "Campaign scheduled.")
    return redirect("campaign_detail", pk=pk)


# --- JSON endpoints for the live composer ------------------------------------------


@member_required
def analyze_text(request: HttpRequest) -> JsonResponse:
    """Encoding and segments of a text (the server's word, which the page's JS mirrors)."""
    text = request.POST.get("text", request.GET.get("text", ""))
    return JsonResponse(analyze(text).as_dict())


@member_required
def preview_text(request: HttpRequest) -> JsonResponse:
    """The text rendered for a sample contact and for one whose fields are empty, its
    encoding, and every placeholder problem (the same words that block the step and launch)."""
    params = request.POST if request.method == "POST" else request.GET
    text = params.get("text", "")
    campaign_id = object_id(params.get("campaign"))
    campaign = get_scoped(request, Campaign.objects.all(), pk=campaign_id) if campaign_id is not None else None
    sample = _chosen_sample(request) or _sample_contact(request, campaign)
    phone = sample.phone if isinstance(sample, Contact) else sample["phone"]
    template = _preview_template(request, params.get("template", ""))
    values = params.getlist("variables")
    track = params.get("track_links", "1") not in ("", "0") and (campaign is None or campaign.channel in TRACKED_CHANNELS)
    if template is not None:
        text = "\n".join(values)
        rendered = fill_template(template.body, template.variables or [], [render_text(v, sample) for v in values])
        empty = fill_template(template.body, template.variables or [], [render_empty(v, phone) for v in values])
    else:
        # As recipients get it: each tracked link is a short link (of the real length).
        rendered, empty = measured(render_text(text, sample), track), measured(render_empty(text, phone), track)
    found = problems(text, account_fields(request.account.pk))
    return JsonResponse(
        {
            "rendered": rendered,
            "rendered_empty": empty if empty != rendered else "",
            "sample": phone,
            "problems": found,
            "text_info": analyze(measured(params.get("text", ""), track)).as_dict(),
            "rendered_info": analyze(rendered).as_dict(),
        }
    )


def _preview_template(request: HttpRequest, value: str) -> Template | None:
    if not value.isdigit() or len(value) > 18:
        return None
    return scoped(request, Template.objects.all()).filter(pk=int(value)).first()


@member_required
def audience_count(request: HttpRequest) -> JsonResponse:
    keys = ("lists", "exclude_lists", "segments", "exclude_segments")
    spec = {key: _ids(request.GET.getlist(key)) for key in keys}
    summary = _summary(request, spec)
    return JsonResponse(summary.__dict__)
