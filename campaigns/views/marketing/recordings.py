"""Voice recordings: upload with a player, duration and approval state."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from campaigns.forms.templates import RecordingDecisionForm, RecordingForm
from campaigns.models import VoiceRecording
from portal.tenancy import get_scoped, member_required, scoped, sender_required
from providers.models import ProviderConnection
from providers.registry import backends


def _voice_connections(request: HttpRequest):
    conns = scoped(request, ProviderConnection.objects.filter(is_active=True), subaccount_field=None)
    return conns.filter(pk__in=[c.pk for c in conns if c.provider in backends() and c.serves("voice")])


@member_required
def recording_index(request: HttpRequest) -> HttpResponse:
    recordings = scoped(request, VoiceRecording.objects.select_related("connection"))[:200]
    return render(request, "recordings/index.html", {"recordings": recordings})


@sender_required
def recording_upload(request: HttpRequest) -> HttpResponse:
    instance = VoiceRecording(account=request.account, subaccount=request.membership.subaccount, uploaded_by=request.user)
    form = RecordingForm(request.POST or None, request.FILES or None, instance=instance, connections=_voice_connections(request))
    if request.method == "POST" and form.is_valid():
        recording = form.save()
        messages.success(request, "Recording uploaded. It can be used once the provider approves it.")
        return redirect("recording_detail", pk=recording.pk)
    return render(request, "recordings/form.html", {"form": form})


@member_required
def recording_detail(request: HttpRequest, pk: int) -> HttpResponse:
    recording = get_scoped(request, VoiceRecording.objects.select_related("connection"), pk=pk)
    form = None
    if request.membership.is_admin:
        form = RecordingDecisionForm(request.POST or None, instance=recording)
        if request.method == "POST" and form.is_valid():
            form.save()
            messages.success(request, "Approval state saved.")
            return redirect("recording_detail", pk=pk)
    elif request.method == "POST":
        messages.error(request, "Only an account admin records the provider's approval.")
    return render(request, "recordings/detail.html", {"recording": recording, "form": form})


@member_required
def recording_audio(request: HttpRequest, pk: int) -> FileResponse:
    """The audio itself, for the page's player (uploads are private to the account)."""
    recording = get_scoped(request, VoiceRecording.objects.all(), pk=pk)
    try:
        handle = recording.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("The audio file is missing.")
    return FileResponse(handle, content_type=recording.content_type or "application/octet-stream")
