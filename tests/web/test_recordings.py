"""Voice recordings: upload (WAV duration measured, bad files refused), player source
served only inside the account, approval by admins."""

import io
import wave
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from campaigns.models import VoiceRecording


def wav_bytes(seconds: float = 1.5, rate: int = 8000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"\x00\x00" * int(rate * seconds))
    return buffer.getvalue()


def upload(client, name="hello.wav", content=None, **extra):
    file = SimpleUploadedFile(name, wav_bytes() if content is None else content)
    return client.post("/recordings/new/", {"name": "Hello", "file": file, **extra})


def test_upload_wav_measures_duration(marketer_client, world):
    response = upload(marketer_client)
    recording = VoiceRecording.objects.get(account=world.account)
    assert response["Location"] == f"/recordings/{recording.pk}/"
    assert recording.duration_seconds == 1.5 and recording.status == "pending" and recording.content_type == "audio/wav"
    page = marketer_client.get(f"/recordings/{recording.pk}/").content.decode()
    assert f'src="/recordings/{recording.pk}/audio/"' in page and "<audio" in page
    audio = marketer_client.get(f"/recordings/{recording.pk}/audio/")
    assert audio["Content-Type"] == "audio/wav" and b"".join(audio.streaming_content).startswith(b"RIFF")


def test_mp3_takes_the_duration_the_browser_measured(marketer_client, world):
    upload(marketer_client, name="a.mp3", content=b"ID3fake", duration_hint="12.40")
    assert VoiceRecording.objects.get(account=world.account).duration_seconds == Decimal("12.40")


def test_bad_files_are_refused(marketer_client, world):
    assert "Upload a .wav" in upload(marketer_client, name="a.exe", content=b"MZ").content.decode()
    assert "cannot be read as audio" in upload(marketer_client, name="a.wav", content=b"garbage").content.decode()
    assert not VoiceRecording.objects.exists()


def test_admin_approves_with_a_reference(admin_client, marketer_client, world, vt_connection):
    upload(marketer_client, connection=vt_connection.pk)
    recording = VoiceRecording.objects.get(account=world.account)
    response = admin_client.post(f"/recordings/{recording.pk}/", {"status": "approved", "provider_reference": ""})
    assert "needs the provider" in response.content.decode()
    admin_client.post(f"/recordings/{recording.pk}/", {"status": "approved", "provider_reference": "11384"})
    recording.refresh_from_db()
    assert (recording.status, recording.provider_reference) == ("approved", "11384")
    marketer_client.post(f"/recordings/{recording.pk}/", {"status": "rejected"})
    recording.refresh_from_db()
    assert recording.status == "approved"


def test_roles_and_other_account(viewer_client, outsider_client, marketer_client, world):
    upload(marketer_client)
    recording = VoiceRecording.objects.get(account=world.account)
    assert viewer_client.get("/recordings/").status_code == 200
    assert viewer_client.get("/recordings/new/").status_code == 403
    assert outsider_client.get(f"/recordings/{recording.pk}/").status_code == 404
    assert outsider_client.get(f"/recordings/{recording.pk}/audio/").status_code == 404


def test_empty_recordings_page_offers_an_upload(marketer_client, viewer_client, world):
    assert 'href="/recordings/new/">Upload one</a>' in marketer_client.get("/recordings/").content.decode()
    assert "No recordings yet." in viewer_client.get("/recordings/").content.decode()
