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
    TestSendForm,
    connection_offers,
    senders_for,
)
from campaigns.forms.fields import object_id
from campaigns.forms.phones import PhoneError, normalize_phone
from campaigns.models import Campaign, Contact, ContactField, ContactList, SenderID, Template, VoiceRecording
from campaigns.models.senders import CHANNEL_CHOICES
from campaigns.rendering import missing_placeholders
from campaigns.rendering import render as render_text
from campaigns.services.audience import audience_summary
from campaigns.services.campaigns import CampaignStateError, LaunchError, launch, send_test
from campaigns.services.estimate import estimate
from campaigns.services.messaging import SendError
from portal.tenancy import get_scoped, member_required, scoped, sender_required
from providers.models import ProviderConnection

STEPS = [
    ("channel", "Channel"),
    ("sender", "Sender"),
    ("content", "Content"),
    ("audience", "Audience"),
    ("schedule", "Schedule"),
    ("review", "Review"),
]
STEP_NAMES = [s for s, _ in STEPS]


def connections(request: HttpRequest):
    return scoped(request, ProviderConnection.objects.filter(is_active=True), subaccount_field=None)


def _draft(request: HttpRequest, pk: int) -> Campaign:
    return get_scoped(request, Campaign.objects.select_related("connection", "sender", "template"), pk=pk)


def _steps_context(campaign: Campaign | None, current: str) -> dict[str, Any]:
    reached = STEP_NAMES.index(_first_missing(campaign)) if campaign else 0
    steps = [{"name": n, "label": lbl, "reachable": i <= reached, "current": n == current} for i, (n, lbl) in enumerate(STEPS)]
    return {"steps": steps, "step": current, "campaign": campaign}


def _first_missing(campaign: Campaign) -> str:
    """The first step the draft still needs (review when all are done)."""
    if not campaign.connection_id:
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
    if not campaign.audience.get("lists"):
        return "audience"
    return "review"


def _offers(conns) -> dict[str, dict]:
    return {str(c.pk): connection_offers(c) for c in conns}


def _offer_rows(conns, offers: dict[str, dict]) -> list[dict[str, Any]]:
    """One row per connection for the "what each connection offers" table."""
    labels = {"call": "calls", "otp": "voice OTP"}
    rows = []
    for c in conns:
        o = offers[str(c.pk)]
        rows.append(
            {
                "name": c.name,
                "provider": c.provider,
                "channels": ", ".join(dict(CHANNEL_CHOICES)[ch] for ch in o["channels"]) or "none",
                "flash": o["flash"],
                "voice": ", ".join(labels[k] for k in o["voice"]),
                "whatsapp": ", ".join(o["whatsapp"]),
                "ussd": "ussd" in o["channels"],
            }
        )
    return rows


def _channel_context(request: HttpRequest) -> dict[str, Any]:
    conns = list(connections(request))
    offers = _offers(conns)
    return {"connections": conns, "offers": offers, "offer_rows": _offer_rows(conns, offers)}


def _next_step(step: str) -> str:
    return STEP_NAMES[STEP_NAMES.index(step) + 1]


def _locked(request: HttpRequest, campaign: Campaign) -> HttpResponse | None:
    if campaign.status != Campaign.Status.DRAFT:
        messages.error(request, "This campaign was launched: it can no longer be edited. Duplicate it to make a new draft.")
        return redirect("campaign_detail", pk=campaign.pk)
    return None


@sender_required
def compose_new(request: HttpRequest) -> HttpResponse:
    conns = connections(request)
    form = ChannelStepForm(request.POST or None, connections=conns, initial={"channel": "sms"})
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
            "connection": campaign.connection_id,
            "flash": campaign.flash,
            "voice_kind": campaign.content.get("kind"),
            "whatsapp_type": campaign.content.get("type"),
        }
        return ChannelStepForm(data, connections=connections(request), initial=initial)
    if step == "sender":
        required = campaign.channel in ("sms", "whatsapp")
        return SenderStepForm(data, senders=_senders(request, campaign), required=required, initial={"sender": campaign.sender_id})
    if step == "content":
        return ContentStepForm(
            data,
            campaign=campaign,
            templates=scoped(request, Template.objects.all()),
            recordings=scoped(request, VoiceRecording.objects.all()),
            initial=ContentStepForm.initial_for(campaign),
        )
    if step == "audience":
        initial = {"lists": campaign.audience.get("lists", []), "exclude_lists": campaign.audience.get("exclude_lists", [])}
        return AudienceStepForm(data, lists=scoped(request, ContactList.objects.all()), initial=initial)
    return ScheduleStepForm(data, campaign=campaign, initial=ScheduleStepForm.initial_for(campaign))


def _senders(request: HttpRequest, campaign: Campaign):
    return senders_for(campaign, scoped(request, SenderID.objects.all()))


def _step_extra(request: HttpRequest, campaign: Campaign, step: str) -> dict[str, Any]:
    if step == "channel":
        return _channel_context(request)
    if step == "content":
        sample = _sample_contact(request, campaign)
        fields = _field_keys(request, sample)
        return {"custom_fields": fields, "sample": sample, "option": campaign.content.get("kind") or campaign.content.get("type") or ""}
    return {}


def _ids(values: list[str]) -> list[int]:
    """The ids among the values that a database could hold (others match nothing)."""
    return [pk for pk in map(object_id, values) if pk is not None]


def _summary(request: HttpRequest, spec: dict):
    membership = request.membership
    subaccount = None if membership.is_admin else membership.subaccount
    return audience_summary(request.account, spec, subaccount=subaccount)


def _field_keys(request: HttpRequest, sample: Contact | dict) -> list[str]:
    """Custom fields to offer as placeholders: the account's, plus the sample contact's."""
    keys = list(ContactField.objects.filter(account=request.account).values_list("key", flat=True))
    attributes = sample.attributes if isinstance(sample, Contact) else sample.get("attributes", {})
    return list(dict.fromkeys([*keys, *(attributes or {})]))


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
    """A contact from the campaign's audience (else any) to render the preview for."""
    contacts = Contact.objects.filter(account=request.account)
    lists = (campaign.audience.get("lists") if campaign else None) or []
    contact = (contacts.filter(memberships__contact_list_id__in=lists).first() if lists else None) or contacts.first()
    return contact or {"first_name": "Amina", "last_name": "Khan", "phone": "+923001234567"}


def review(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    """The summary; the cost estimate (it reads every recipient) loads from estimate.json."""
    missing = _first_missing(campaign)
    sample = _sample_contact(request, campaign)
    rendered = render_text(campaign.text, sample) if campaign.text else ""
    context = {
        **_steps_context(campaign, "review"),
        "missing": missing if missing != "review" else "",
        "test_form": TestSendForm(initial={"to": request.membership.phone}),
        "launch_errors": request.session.pop(f"launch_errors_{campaign.pk}", []),
        "preview": rendered,
        "sms": analyze(rendered) if campaign.channel == "sms" and rendered else None,
    }
    return render(request, "campaigns/compose_review.html", context)


def _estimate_data(request: HttpRequest, campaign: Campaign) -> dict[str, Any]:
    summary = _summary(request, campaign.audience)
    est = estimate(campaign)
    return {
        "audience": summary.__dict__,
        "recipients": est.recipients,
        "units": est.units,
        "cost": str(est.cost),
        "balance": str(est.balance),
        "available": str(est.available),
        "enough": est.enough,
        "unpriced": est.unpriced,
        "currency": request.account.currency,
    }


@sender_required
def compose_estimate(request: HttpRequest, pk: int) -> JsonResponse:
    """Audience and exact cost of a draft, cached until the draft or the balance changes."""
    campaign = _draft(request, pk)
    if not campaign.audience.get("lists") or not campaign.connection_id:
        return JsonResponse({"error": "Choose the connection and the audience first."}, status=400)
    key = f"estimate:{campaign.pk}:{campaign.updated_at.timestamp()}:{request.account.balance}:{request.account.reserved}"
    data = cache.get(key)
    if data is None:
        data = _estimate_data(request, campaign)
        cache.set(key, data, 120)
    return JsonResponse(data)


@sender_required
@require_POST
def compose_test(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _draft(request, pk)
    form = TestSendForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Test not sent: " + " ".join(form.errors["to"]))
    else:
        try:
            message = send_test(campaign, form.cleaned_data["to"], request.user)
        except LaunchError as exc:
            messages.error(request, "Test not sent: " + " ".join(exc.errors))
        except (CampaignStateError, SendError, ValueError) as exc:
            messages.error(request, f"Test not sent: {exc}")
        else:
            messages.success(request, f"Test queued to {message.to}; it should arrive within a minute.")
            if not request.membership.phone:
                request.membership.phone = form.cleaned_data["to"]
                request.membership.save(update_fields=["phone"])
    return redirect("compose_step", pk=pk, step="review")


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
    """The text rendered for a sample contact, with its encoding and unknown placeholders."""
    text = request.POST.get("text", request.GET.get("text", ""))
    campaign_id = object_id(request.POST.get("campaign", request.GET.get("campaign")))
    campaign = get_scoped(request, Campaign.objects.all(), pk=campaign_id) if campaign_id is not None else None
    sample = _chosen_sample(request) or _sample_contact(request, campaign)
    rendered = render_text(text, sample)
    known = set(_field_keys(request, sample))
    return JsonResponse(
        {
            "rendered": rendered,
            "sample": sample.phone if isinstance(sample, Contact) else sample["phone"],
            "unknown_placeholders": missing_placeholders(text, known),
            "text_info": analyze(text).as_dict(),
            "rendered_info": analyze(rendered).as_dict(),
        }
    )


@member_required
def audience_count(request: HttpRequest) -> JsonResponse:
    spec = {"lists": _ids(request.GET.getlist("lists")), "exclude_lists": _ids(request.GET.getlist("exclude_lists"))}
    summary = _summary(request, spec)
    return JsonResponse(summary.__dict__)
