"""Decisions on what a provider or an admin must approve: sender IDs and voice recordings.
The people concerned are notified here, so every path that decides tells them."""

from __future__ import annotations

from django.utils import timezone

from campaigns.models import SenderID, VoiceRecording
from campaigns.services import notifications

NEW_STATUS = {
    "approve": SenderID.Status.APPROVED,
    "reject": SenderID.Status.REJECTED,
    "disable": SenderID.Status.DISABLED,
    "enable": SenderID.Status.APPROVED,
}


def apply_decision(sender: SenderID, action: str, note: str, user) -> None:
    sender.status = NEW_STATUS[action]
    sender.decision_note = note
    sender.decided_by = user
    sender.decided_at = timezone.now()
    sender.save(update_fields=["status", "decision_note", "decided_by", "decided_at"])
    if action in ("approve", "reject"):
        notifications.sender_decided(sender)


def save_recording_decision(form) -> VoiceRecording:
    """Save an admin's RecordingDecisionForm; a recording that becomes approved is announced."""
    was_approved = VoiceRecording.objects.filter(pk=form.instance.pk, status=VoiceRecording.Status.APPROVED).exists()
    recording = form.save()
    if recording.status == VoiceRecording.Status.APPROVED and not was_approved:
        notifications.recording_approved(recording)
    return recording
