"""The WhatsApp media library (VT /wa/media): a file or link registered once, its media id
stored, reused by a WhatsApp campaign without text and by an API send."""

from __future__ import annotations

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from campaigns.models import MediaAsset, Message
from tests.conftest import login
from tests.e2e.conftest import compose, run, statuses

LINK = "https://cdn.example.com/spring.jpg"


def add_by_link(demo) -> MediaAsset:
    response = login(demo.world.marketer).post(
        "/wa/media/", {"name": "Spring banner", "connection": demo.connections["vt"].pk, "url": LINK}
    )
    assert response.status_code == 302
    return MediaAsset.objects.get(name="Spring banner")


def media_requests(demo) -> list[dict]:
    return [json.loads(r.content) for r in demo.transport.to("vt") if r.url.path.endswith("/wa/media")]


def test_a_link_is_registered_once_with_its_media_id(demo):
    asset = add_by_link(demo)

    assert (asset.status, asset.kind, asset.mime_type) == ("ready", "image", "image/jpeg") and asset.provider_media_id
    [request] = media_requests(demo)
    assert request["url"] == LINK and request["mimeType"] == "image/jpeg" and request["hash"]
    page = login(demo.world.viewer).get("/wa/media/").content.decode()
    assert "Spring banner" in page and "ready" in page


def test_an_uploaded_file_is_offered_to_the_provider_by_a_public_link(demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("menu.pdf", b"%PDF-1.4 menu", content_type="application/pdf")
    login(demo.world.marketer).post("/wa/media/", {"name": "Menu", "connection": demo.connections["vt"].pk, "file": upload})

    asset = MediaAsset.objects.get(name="Menu")
    assert (asset.status, asset.kind) == ("ready", "document")
    [request] = media_requests(demo)
    path = request["url"].split("://", 1)[1].split("/", 1)[1]
    response = Client().get("/" + path)  # no login: the provider fetches it
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 menu"
    assert Client().get("/wa/media/file/forged-token/").status_code == 404


def test_viewer_cannot_add_and_refused_link_is_shown(demo):
    viewer = login(demo.world.viewer)
    assert viewer.post("/wa/media/", {"name": "x", "connection": demo.connections["vt"].pk, "url": LINK}).status_code == 403
    login(demo.world.marketer).post("/wa/media/", {"name": "Odd", "connection": demo.connections["vt"].pk, "url": "https://x.test/a.xyz"})
    odd = MediaAsset.objects.get(name="Odd")
    assert odd.status == "failed" and odd.error


def test_campaign_with_library_media_and_no_text(demo):
    asset = add_by_link(demo)
    delivered = "+923001234514"
    campaign = compose(
        demo,
        {"name": "Banner", "channel": "whatsapp", "connection": demo.connections["vt"].pk, "whatsapp_type": "image"},
        sender=demo.senders["whatsapp"],
        content={"media_asset": asset.pk, "caption": "Spring is here"},
        numbers=[delivered],
        list_name="Banner",
    )
    assert campaign.text == "" and campaign.content["media"]["id"] == asset.provider_media_id

    campaign = run(demo, campaign)

    assert statuses(campaign) == {delivered: "delivered"}
    [sent] = [json.loads(r.content) for r in demo.transport.to("vt") if "send_message" in r.url.path]
    assert sent["type"] == "image" and sent["image"]["id"] == asset.provider_media_id and "link" not in sent["image"]


def test_api_send_reuses_library_media(demo, django_capture_on_commit_callbacks):
    from campaigns.models import ApiKey
    from tests.api.conftest import Api

    asset = add_by_link(demo)
    _, raw = ApiKey.generate(account=demo.account, name="server", created_by=demo.world.admin)
    body = {"channel": "whatsapp", "to": "+923001234514", "connection": demo.connections["vt"].pk, "payload": {"media_asset": asset.pk}}
    with django_capture_on_commit_callbacks(execute=True):
        response = Api(raw).post("/api/v1/messages", body)

    assert response.status_code == 201, response.content
    message = Message.objects.get(pk=response.json()["id"])
    assert message.payload["type"] == "image" and message.payload["media"]["id"] == asset.provider_media_id
    [sent] = [json.loads(r.content) for r in demo.transport.to("vt") if "send_message" in r.url.path]
    assert sent["image"] == {"id": asset.provider_media_id}
    missing = Api(raw).post("/api/v1/messages", {**body, "payload": {"media_asset": 999999}})
    assert missing.status_code == 400
