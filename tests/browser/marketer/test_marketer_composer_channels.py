"""Real browser: the WhatsApp composer shows the chosen template with its variables filled
(one labelled field each, no stale error once a template is chosen); the voice review shows
the recording with its name, length and a player. Desktop and phone screenshots."""

import io
import wave

import pytest
from django.core.files.base import ContentFile

from campaigns.models import Campaign, SenderID, Template, VoiceRecording
from tests.browser.conftest import log_in, wait_js
from tests.browser.marketer.test_marketer_composer_checks import both_widths

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_whatsapp_template_preview_and_labelled_variables(page, live_server, sending_world):
    conn = sending_world.connection
    sender = SenderID.objects.create(
        account=sending_world.account, channel="whatsapp", value="+923001110000", status="approved", connection=conn
    )
    template = Template.objects.create(
        account=sending_world.account,
        kind="whatsapp",
        name="spring_sale",
        body="Hello {{1}}! Our spring sale starts today: {{2}} off everything.",
        connection=conn,
        provider_template_id="tpl-spring",
        variables=["1", "2"],
        has_media=True,
    )
    draft = Campaign.objects.create(
        account=sending_world.account,
        subaccount=sending_world.subaccount,
        name="WhatsApp spring",
        channel="whatsapp",
        connection=conn,
        sender=sender,
        content={"type": "template"},
        audience={"lists": [sending_world.contact_list.pk]},
    )
    log_in(page, live_server, "marketer@acme.test")
    page.goto(f"{live_server.url}/campaigns/{draft.pk}/edit/content/")
    page.get_by_role("button", name="Continue to audience").click()
    error = page.locator(".field-error", has_text="Choose a WhatsApp template")
    assert error.is_visible()
    page.get_by_label("Template").select_option(label="spring_sale")
    assert error.is_hidden()  # no stale error once a template is chosen
    group = page.get_by_role("group", name="Variables of spring_sale")
    group.get_by_label("{{1}}").fill('{{ first_name|default:"friend" }}')
    group.get_by_label("{{2}}").fill("25%")
    wait_js(page, "document.getElementById('wa-preview').textContent.includes('25% off')")
    assert page.locator("#wa-preview").inner_text() == "Hello Ali0! Our spring sale starts today: 25% off everything."
    page.wait_for_selector("#preview-empty-box:not([hidden])")
    assert page.locator("#preview-empty").inner_text() == "Hello friend! Our spring sale starts today: 25% off everything."
    page.get_by_label("Media link (https://…)").fill("https://cdn.example/spring.jpg")
    both_widths(page, "composer-whatsapp-content")
    page.get_by_role("button", name="Continue to audience").click()
    page.wait_for_url("**/edit/audience/")
    draft.refresh_from_db()
    assert draft.content["variables"] == ['{{ first_name|default:"friend" }}', "25%"] and draft.template_id == template.pk

    page.goto(f"{live_server.url}/campaigns/{draft.pk}/edit/review/")
    assert page.locator("#review-wa-preview").inner_text() == "Hello Ali0! Our spring sale starts today: 25% off everything."
    page.wait_for_selector("[data-check=balance]")
    both_widths(page, "composer-whatsapp-review")


def wav(seconds: float = 2.5, rate: int = 8000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"\x00\x00" * int(rate * seconds))
    return buffer.getvalue()


def test_voice_review_shows_the_recording(page, live_server, sending_world):
    recording = VoiceRecording(
        account=sending_world.account,
        name="Spring promo voice",
        content_type="audio/wav",
        duration_seconds="2.50",
        status="approved",
        connection=sending_world.connection,
        provider_reference="11384",
    )
    recording.file.save("spring.wav", ContentFile(wav()), save=True)
    draft = Campaign.objects.create(
        account=sending_world.account,
        subaccount=sending_world.subaccount,
        name="Voice promo",
        channel="voice",
        connection=sending_world.connection,
        content={"kind": "call", "recording_id": recording.pk, "recording": "11384", "max_voice_repeat": 2},
        audience={"lists": [sending_world.contact_list.pk]},
    )
    log_in(page, live_server, "marketer@acme.test")
    page.goto(f"{live_server.url}/campaigns/{draft.pk}/edit/review/")
    box = page.locator("#review-recording")
    assert "Spring promo voice" in box.inner_text() and "2.5 s, played 2 times" in box.inner_text()
    assert box.locator("audio").get_attribute("src") == f"/recordings/{recording.pk}/audio/"
    wait_js(page, "document.querySelector('#review-recording audio').readyState >= 1")
    page.wait_for_selector("[data-check=balance]")
    both_widths(page, "composer-voice-review")
