"""A voice call by API: an approved recording (and a call template) instead of a text."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.test import Client

from campaigns.models import Message, VoiceRecording
from campaigns.services.ledger import top_up
from tests.api.conftest import error_of
from tests.conftest import make_connection

URL = "/api/v1/messages"


def approved_recording(world, connection, reference="10001") -> VoiceRecording:
    recording = VoiceRecording(
        account=world.account, name="Greeting", status=VoiceRecording.Status.APPROVED, provider_reference=reference, connection=connection
    )
    recording.file.save("greeting.wav", ContentFile(b"RIFF"), save=False)
    recording.save()
    return recording


def test_call_with_a_recording_and_no_text(api, world, simulators, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    top_up(world.account, 10)
    connection = make_connection(world.account, "vt", credentials={"apikey": "acme-key"})
    recording = approved_recording(world, connection)

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(URL, {"channel": "voice", "to": "+923001234563", "payload": {"recording_id": recording.pk, "call_template": 5}})

    assert response.status_code == 201, response.content
    message = Message.objects.get(pk=response.json()["id"])
    assert message.text == "" and message.payload["kind"] == "call" and message.payload["recording"] == "10001"
    assert message.status == "submitted" and message.provider_message_id
    simulators.deliver(Client())
    message.refresh_from_db()
    assert (message.status, message.call_outcome, message.call_dtmf) == ("delivered", "answered", "3")


def test_call_without_a_recording_is_refused_clearly(api, world, vt_connection):
    response = api.post(URL, {"channel": "voice", "to": "+923001234563", "payload": {"kind": "call"}})

    assert response.status_code == 400
    assert "recording_id" in error_of(response)["message"]


def test_recording_of_another_account_is_not_found(api, world, vt_connection, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    theirs = approved_recording(world, None)
    theirs.account = world.other_account
    theirs.save()

    response = api.post(URL, {"channel": "voice", "to": "+923001234563", "payload": {"recording_id": theirs.pk}})

    assert response.status_code == 400 and "no approved recording" in error_of(response)["message"]


def test_voice_otp_still_needs_its_text(api, vt_connection):
    response = api.post(URL, {"channel": "voice", "to": "+923001234563"})

    assert response.status_code == 400 and "text" in error_of(response)["message"]
