"""Voice recordings: multipart upload."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from campaigns.models import VoiceRecording
from tests.api.conftest import assert_access, error_of

URL = "/api/v1/recordings"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def audio(name: str = "hello.mp3", content_type: str = "audio/mpeg", size: int = 1000) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"ID3" + b"\0" * size, content_type=content_type)


def test_upload_list_delete(api, world):
    response = api.multipart(URL, {"name": "Greeting", "file": audio()})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "pending" and body["content_type"] == "audio/mpeg" and "file" not in body
    recording = VoiceRecording.objects.get(pk=body["id"])
    assert recording.account == world.account and recording.file.size > 0 and recording.uploaded_by == world.admin
    assert [r["id"] for r in api.get(URL).json()["results"]] == [body["id"]]
    assert api.delete(f"{URL}/{body['id']}").status_code == 204


def test_not_audio_or_missing_file(api):
    response = api.multipart(URL, {"name": "Virus", "file": SimpleUploadedFile("x.exe", b"MZ", content_type="application/octet-stream")})
    assert response.status_code == 400 and "file" in error_of(response)["fields"]
    missing = api.multipart(URL, {"name": "Nothing"})
    assert missing.status_code == 400 and "file" in error_of(missing)["fields"]


def test_access_control(apis, world):
    recording = VoiceRecording.objects.create(account=world.account, name="R", file="recordings/r.mp3")
    assert_access(f"{URL}/{recording.pk}", apis)
    assert apis["ro"].multipart(URL, {"name": "x", "file": audio()}).status_code == 403
    assert apis["sub"].delete(f"{URL}/{recording.pk}").status_code == 403  # account-wide recording
