"""Test sends from the composer's review: send one (rendered and sent as the campaign
would), and the JSON the page polls for each test's status timeline."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from campaigns.formatting import format_when
from campaigns.forms.composer import TestSendForm
from campaigns.models import Campaign, CampaignVariant, Contact, Message
from campaigns.services import ab_tests
from campaigns.services.campaigns import LaunchError, send_test
from campaigns.services.messaging import SendError
from portal.tenancy import get_scoped, sender_required
from providers.base import MessageStatus as S

RECENT_TESTS = 5
# Where a message stands once nothing more will happen to it.
FINAL = {S.DELIVERED, S.UNDELIVERED, S.EXPIRED, S.REJECTED, S.FAILED, S.UNKNOWN}
STAGES = (
    ("created_at", "Queued"),
    ("submitted_at", "Submitted to the provider"),
    ("sent_at", "Sent by the provider"),
    ("delivered_at", "Delivered"),
)


def test_form_for(request: HttpRequest, campaign: Campaign, data=None) -> TestSendForm:
    """The review's test form; an A/B campaign's keeps the variant chosen for the last test."""
    variants = _variants_of(campaign)
    last = request.session.get(f"test-variant-{campaign.pk}")
    initial = {"to": request.membership.phone, **({"variant": last} if last in [*variants, "all"] else {})}
    return TestSendForm(data, initial=initial, variants=variants)


def _variants_of(campaign: Campaign) -> list[str]:
    """An A/B campaign's variant labels (none for a campaign with one content)."""
    if ab_tests.active_test(campaign) is None:
        return []
    return list(CampaignVariant.objects.filter(campaign_id=campaign.pk).order_by("label").values_list("label", flat=True))


def _chosen_variants(campaign: Campaign, choice: str) -> list[CampaignVariant | None]:
    """The variants a test sends: one, every one ("all"), or [None] for a campaign without."""
    if not choice:
        return [None]
    variants = CampaignVariant.objects.filter(campaign_id=campaign.pk).order_by("label")
    return list(variants if choice == "all" else variants.filter(label=choice))


def _campaign(request: HttpRequest, pk: int) -> Campaign:
    return get_scoped(request, Campaign.objects.select_related("connection", "sender", "template", "account"), pk=pk)


@sender_required
@require_POST
def compose_test(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    form = test_form_for(request, campaign, request.POST)
    if not form.is_valid():
        problems = [e for errors in form.errors.values() for e in errors]
        messages.error(request, "Test not sent: " + " ".join(problems))
        return redirect("compose_step", pk=pk, step="review")
    sample = _sample(request, form.cleaned_data["sample"])
    if form.cleaned_data["sample"] and sample is None:
        messages.error(request, f"Test not sent: no contact has the number {form.cleaned_data['sample']}.")
        return redirect("compose_step", pk=pk, step="review")
    if form.cleaned_data.get("variant"):
        request.session[f"test-variant-{campaign.pk}"] = form.cleaned_data["variant"]
    sent = []
    try:
        for variant in _chosen_variants(campaign, form.cleaned_data.get("variant", "")):
            sent.append(send_test(campaign, form.cleaned_data["to"], request.user, sample=sample, variant=variant))
    except LaunchError as exc:
        messages.error(request, "Test not sent: " + " ".join(exc.errors))
    except (SendError, ValueError) as exc:
        messages.error(request, f"Test{' of the next variant' if sent else ''} not sent: {exc}")
    if sent:
        messages.success(request, f"{_tests_words(sent)} queued to {sent[0].to}. Its progress shows under “Send a test”.")
        if not request.membership.phone:
            request.membership.phone = form.cleaned_data["to"]
            request.membership.save(update_fields=["phone"])
    return redirect("compose_step", pk=pk, step="review")


def _tests_words(sent: list[Message]) -> str:
    labels = [m.variant.label for m in sent if m.variant_id]
    if not labels:
        return "Test"
    return f"Test of variant {labels[0]}" if len(labels) == 1 else f"{len(labels)} tests (variants {', '.join(labels)})"


def _sample(request: HttpRequest, phone: str) -> Contact | None:
    return Contact.objects.filter(account=request.account, phone=phone).first() if phone else None


@sender_required
def compose_tests_json(request: HttpRequest, pk: int) -> JsonResponse:
    """The campaign's latest test sends, each with its status timeline."""
    campaign = _campaign(request, pk)
    tests = Message.objects.filter(test_of=campaign, account=request.account).select_related("variant").order_by("-id")[:RECENT_TESTS]
    rows = [test_timeline(m) for m in tests]
    return JsonResponse({"tests": rows, "done": all(r["final"] for r in rows)})


def test_timeline(message: Message) -> dict[str, Any]:
    steps = [{"label": label, "at": format_when(getattr(message, field))} for field, label in STAGES if getattr(message, field)]
    if message.failed_at or (message.status in FINAL and message.status != S.DELIVERED):
        steps.append({"label": message.get_status_display(), "at": format_when(message.failed_at or message.updated_at)})
    return {
        "id": message.pk,
        "to": message.to,
        "text": message.text,
        "variant": message.variant.label if message.variant_id else "",
        "status": message.status,
        "status_label": message.get_status_display(),
        "error": message.error_message,
        "final": message.status in FINAL,
        "ok": message.status == S.DELIVERED,
        "steps": steps,
    }
