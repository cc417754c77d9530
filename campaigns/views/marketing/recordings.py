"""Voice recordings: upload with a player, duration and approval state."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from campaigns.forms.templates import RecordingConnectionForm, RecordingDecisionForm, RecordingForm
from campaigns.models import VoiceRecording
from campaigns.services.approvals import save_recording_decision
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
    if request.method == "POST" and "connect" in request.POST:
        return _connect(request, recording)
    form = None
    if request.membership.is_admin:
        form = RecordingDecisionForm(request.POST or None, instance=recording)
        if request.method == "POST" and form.is_valid():
            save_recording_decision(form)
            messages.success(request, "Approval state saved.")
            return redirect("recording_detail", pk=pk)
    elif request.method == "POST":
        messages.error(request, "Only an account admin records the provider's approval.")
    context = {"recording": recording, "form": form, **_waiting_context(request, recording)}
    return render(request, "recordings/detail.html", context)


def _waiting_context(request: HttpRequest, recording: VoiceRecording, connect_form=None) -> dict:
    """A recording without a connection cannot be approved: say what is needed, offer the choice."""
    if recording.connection_id is not None or recording.status != VoiceRecording.Status.PENDING:
        return {}
    connections = _voice_connections(request)
    if connect_form is None and request.membership.can_send and connections.exists():
        connect_form = RecordingConnectionForm(instance=recording, connections=connections)
    return {"needs_connection": True, "has_voice_connection": connections.exists(), "connect_form": connect_form}


def _connect(request: HttpRequest, recording: VoiceRecording) -> HttpResponse:
    if not request.membership.can_send:
        messages.error(request, "Only a marketer or an admin chooses the recording's connection.")
        return redirect("recording_detail", pk=recording.pk)
    form = RecordingConnectionForm(request.POST, instance=recording, connections=_voice_connections(request))
    if form.is_valid():
        form.save()
        messages.success(
            request, f"Recording tied to {recording.connection.name}. Next: the provider approves it and an admin records its reference."
        )
        return redirect("recording_detail", pk=recording.pk)
    context = {"recording": recording, "form": None, **_waiting_context(request, recording, form)}
    return render(request, "recordings/detail.html", context)


@member_required
def recording_audio(request: HttpRequest, pk: int) -> FileResponse:
    """The audio itself, for the page's player (uploads are private to the account)."""
    recording = get_scoped(request, VoiceRecording.objects.all(), pk=pk)
    try:
        handle = recording.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("The audio file is missing.")
    return FileResponse(handle, content_type=recording.content_type or "application/octet-stream")
