"""The composer: steps over a draft, options limited by what the account's routes can carry,
the live counter/preview/audience endpoints, test send and launch (through the engine
and the simulators), launch errors shown, roles."""

from decimal import Decimal

import pytest
from django.test import Client

from campaigns.encoding import analyze
from campaigns.models import Campaign, Message, Price, SenderID, Suppression
from campaigns.services.counts import campaign_counts
from campaigns.services.ledger import top_up
from tests.conftest import make_connection


@pytest.fixture
def funded(world):
    Price.objects.create(account=world.account, channel="sms", prefix="", amount=Decimal("0.01"))
    top_up(world.account, Decimal("50"))
    return world


def walk(client, campaign_id: int, steps: dict) -> None:
    for step, data in steps.items():
        response = client.post(f"/campaigns/{campaign_id}/edit/{step}/", data)
        assert response.status_code == 302, (step, response.context and response.context["form"].errors)


def test_compose_test_send_and_launch_sms(marketer_client, funded, simulators, contact_list, contacts):
    conn = make_connection(funded.account, "vt", credentials={"apikey": "acme-key"})
    sender = SenderID.objects.create(account=funded.account, channel="sms", value="ACME", status="approved", connection=conn)
    Suppression.objects.create(account=funded.account, phone=contacts[0].phone)

    response = marketer_client.post("/campaigns/new/", {"name": "Spring", "channel": "sms"})
    campaign = Campaign.objects.get(name="Spring")
    assert response["Location"] == f"/campaigns/{campaign.pk}/edit/sender/"
    assert campaign.subaccount == funded.subaccount and campaign.status == "draft"
    walk(
        marketer_client,
        campaign.pk,
        {
            "sender": {"sender": sender.pk},
            "content": {"text": "Hi {{ first_name }}, spring sale!"},
            "audience": {"lists": [contact_list.pk]},
            "schedule": {"when": "now", "timezone": "Asia/Karachi"},
        },
    )
    review = marketer_client.get(f"/campaigns/{campaign.pk}/edit/review/")
    assert "Hi Name" in review.content.decode() and "estimate.json" in review.content.decode()
    estimate = marketer_client.get(f"/campaigns/{campaign.pk}/estimate.json").json()
    assert estimate["audience"]["recipients"] == 4 and estimate["audience"]["suppressed"] == 1
    assert (estimate["recipients"], estimate["units"], estimate["cost"], estimate["enough"]) == (4, 4, "0.0400", True)

    marketer_client.post(f"/campaigns/{campaign.pk}/test/", {"to": "+923001234561"})
    test_message = Message.objects.get(to="+923001234561")
    # Rendered for the audience's first recipient (contacts[0] is suppressed), like the campaign would.
    assert test_message.text == "Hi Name1, spring sale!"
    assert test_message.campaign_id is None and test_message.test_of_id == campaign.pk

    response = marketer_client.post(f"/campaigns/{campaign.pk}/launch/")
    assert response["Location"] == f"/campaigns/{campaign.pk}/"
    campaign.refresh_from_db()
    assert campaign.status in ("running", "completed")
    assert Message.objects.filter(campaign=campaign).count() == 4
    simulators.deliver(Client())
    counts = marketer_client.get(f"/campaigns/{campaign.pk}/counts.json").json()
    assert counts["counts"]["total"] == 4
    assert counts["counts"]["delivered"] + counts["counts"]["undelivered"] + counts["counts"]["rejected"] + counts["counts"]["expired"] == 4
    assert counts["progress"]["percent"] == 100
    assert counts == marketer_client.get(f"/campaigns/{campaign.pk}/counts.json").json()
    assert campaign_counts(campaign)["total"] == 4


def test_launch_errors_are_shown(marketer_client, world, draft):
    draft.text = ""
    draft.save()
    response = marketer_client.post(f"/campaigns/{draft.pk}/launch/", follow=True)
    page = response.content.decode()
    assert "The campaign was not launched" in page and "message text is empty" in page
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_only_what_the_accounts_connections_offer(marketer_client, world, vt_connection):
    response = marketer_client.post("/campaigns/new/", {"name": "F", "channel": "sms", "flash": "on"})
    assert "Flash SMS is not available on your account" in response.content.decode()
    response = marketer_client.post("/campaigns/new/", {"name": "U", "channel": "ussd"})
    assert "cannot send USSD yet" in response.content.decode()
    make_connection(world.account, "vappstore", name="V-App", credentials={"applicationId": "a", "password": "p"})
    marketer_client.post("/campaigns/new/", {"name": "Flash", "channel": "sms", "flash": "on"})
    flash = Campaign.objects.get(name="Flash")
    assert flash.flash is True and flash.connection is None  # the router picks the connection per message
    marketer_client.post("/campaigns/new/", {"name": "Call", "channel": "voice", "voice_kind": "call"})
    assert Campaign.objects.get(name="Call").content == {"kind": "call"}
    page = marketer_client.get("/campaigns/new/").content.decode()
    assert "channel-offers" in page and "id_connection" not in page


def test_a_channel_no_connection_carries_says_so(marketer_client, admin_client, world):
    page = marketer_client.get("/campaigns/new/").content.decode()
    assert "Your account cannot send messages yet" in page and "Ask an account admin to set up sending" in page
    assert "/admin/connections/" not in page
    admin_page = admin_client.get("/campaigns/new/").content.decode()
    assert "/admin/connections/" in admin_page
    response = marketer_client.post("/campaigns/new/", {"name": "x", "channel": "sms"})
    assert "cannot send SMS yet" in response.context["form"].errors["channel"][0]
    assert not Campaign.objects.filter(name="x").exists()


def test_no_connection_or_provider_on_the_composer_pages(marketer_client, draft):
    draft.connection = None
    draft.save()
    for step in ("channel", "sender", "content", "audience", "schedule", "review"):
        page = marketer_client.get(f"/campaigns/{draft.pk}/edit/{step}/").content.decode().lower()
        body = page[page.index("<main") :]
        assert "connection" not in body and "provider" not in body and "vt cpaas" not in body, step


def test_senders_offered_are_approved_ones_of_the_channel(marketer_client, world, draft, vt_connection):
    SenderID.objects.create(account=world.account, channel="sms", value="PENDING", status="requested", connection=vt_connection)
    SenderID.objects.create(account=world.account, channel="voice", value="+923001110000", status="approved", connection=vt_connection)
    page = marketer_client.get(f"/campaigns/{draft.pk}/edit/sender/")
    assert [s.value for s in page.context["form"].fields["sender"].queryset] == ["ACME"]
    response = marketer_client.post(f"/campaigns/{draft.pk}/edit/sender/", {"sender": ""})
    assert response.status_code == 200 and response.context["form"].errors["sender"]


def test_content_errors(marketer_client, draft):
    response = marketer_client.post(f"/campaigns/{draft.pk}/edit/content/", {"text": "   "})
    assert "Write the message" in response.context["form"].errors["text"][0]
    response = marketer_client.post(f"/campaigns/{draft.pk}/edit/content/", {"text": "x" * 1600})
    assert "at most 10" in response.context["form"].errors["text"][0]


def test_ussd_and_voice_content(marketer_client, world):
    make_connection(world.account, "vappstore", name="V-App", credentials={"applicationId": "a", "password": "p"})
    marketer_client.post("/campaigns/new/", {"name": "Menu", "channel": "ussd"})
    menu = Campaign.objects.get(name="Menu")
    marketer_client.post(f"/campaigns/{menu.pk}/edit/sender/", {})
    marketer_client.post(f"/campaigns/{menu.pk}/edit/content/", {"ussd_steps": "Pick 1) A 2) B\n---\nThanks!"})
    menu.refresh_from_db()
    assert menu.content["steps"] == [{"text": "Pick 1) A 2) B", "options": {"1": "A", "2": "B"}}, {"text": "Thanks!"}]


def test_ussd_menu_lines_become_the_steps_options(marketer_client, world):
    make_connection(world.account, "vappstore", name="V-App", credentials={"applicationId": "a", "password": "p"})
    marketer_client.post("/campaigns/new/", {"name": "Menu", "channel": "ussd"})
    menu = Campaign.objects.get(name="Menu")
    steps = "Which offer?\n1. Data\n2) Minutes\n3 - SMS\n0: Back\n---\nGet 1.5GB by 10:30\n1.Yes\n#) Home\n---\nThank you."
    response = marketer_client.post(f"/campaigns/{menu.pk}/edit/content/", {"ussd_steps": steps})
    assert response.status_code == 302
    menu.refresh_from_db()
    assert [s.get("options") for s in menu.content["steps"]] == [
        {"1": "Data", "2": "Minutes", "3": "SMS", "0": "Back"},
        {"1": "Yes", "#": "Home"},
        None,
    ]
    assert menu.content["steps"][0]["text"] == "Which offer?\n1. Data\n2) Minutes\n3 - SMS\n0: Back"
    # Editing again shows the text as written (the options are read from it again).
    page = marketer_client.get(f"/campaigns/{menu.pk}/edit/content/")
    assert page.context["form"].initial["ussd_steps"] == steps
    html = page.content.decode()  # the preview shows how the menu was read
    assert "Answers: 1 = Data, 2 = Minutes, 3 = SMS, 0 = Back" in html and "Last screen: ends the session." in html


def test_ussd_step_offering_a_key_twice_is_refused(marketer_client, world):
    make_connection(world.account, "vappstore", name="V-App", credentials={"applicationId": "a", "password": "p"})
    marketer_client.post("/campaigns/new/", {"name": "Menu", "channel": "ussd"})
    menu = Campaign.objects.get(name="Menu")
    response = marketer_client.post(f"/campaigns/{menu.pk}/edit/content/", {"ussd_steps": "Pick\n1. Data\n1. SMS\n---\nBye"})
    assert response.status_code == 200
    assert "Step 1 offers 1 more than once" in response.context["form"].errors["ussd_steps"][0]


def test_schedule_validation_and_timezone(marketer_client, draft):
    response = marketer_client.post(f"/campaigns/{draft.pk}/edit/schedule/", {"when": "later", "timezone": "Asia/Karachi"})
    assert "Choose the date" in response.context["form"].errors["send_at"][0]
    response = marketer_client.post(
        f"/campaigns/{draft.pk}/edit/schedule/", {"when": "later", "send_at": "2020-01-01T10:00", "timezone": "UTC"}
    )
    assert "passed" in response.context["form"].errors["send_at"][0]
    response = marketer_client.post(f"/campaigns/{draft.pk}/edit/schedule/", {"when": "now", "timezone": "UTC", "allowed_start": "09:00"})
    assert response.context["form"].errors["allowed_end"]
    response = marketer_client.post(f"/campaigns/{draft.pk}/edit/schedule/", {"when": "now", "timezone": "UTC", "mps": "100000"})
    assert "at most" in response.context["form"].errors["mps"][0]
    marketer_client.post(
        f"/campaigns/{draft.pk}/edit/schedule/",
        {"when": "later", "send_at": "2099-01-01T10:00", "timezone": "Asia/Karachi", "allowed_start": "09:00", "allowed_end": "20:00"},
    )
    draft.refresh_from_db()
    assert draft.send_at.isoformat() == "2099-01-01T05:00:00+00:00"
    assert draft.timezone == "Asia/Karachi"


@pytest.mark.parametrize("text", ["Hello", "x" * 161, "Grüße ç", "Price 10€ [sale]", "Hi 👋 there", "é" * 70 + "ą"])
def test_analyze_endpoint_is_the_encoding_module(marketer_client, text):
    data = marketer_client.post("/campaigns/compose/analyze.json", {"text": text}).json()
    assert data == analyze(text).as_dict()


def test_preview_renders_for_a_sample_contact(marketer_client, draft, contacts):
    data = marketer_client.post(
        "/campaigns/compose/preview.json", {"text": "Hi {{ first_name }} from {{ city }} {{ nope }} ą", "campaign": draft.pk}
    ).json()
    assert data["rendered"].startswith("Hi Name") and "from Lahore" in data["rendered"]
    assert len(data["problems"]) == 1 and data["problems"][0].startswith("Unknown placeholder {{ nope }}")
    assert data["text_info"]["encoding"] == "ucs2" and data["text_info"]["ucs2_chars"] == ["ą"]


def test_audience_endpoint(marketer_client, world, contact_list, contacts):
    Suppression.objects.create(account=world.account, phone=contacts[1].phone)
    data = marketer_client.get("/campaigns/compose/audience.json", {"lists": [contact_list.pk]}).json()
    assert (data["total"], data["suppressed"], data["recipients"]) == (5, 1, 4)


def test_launched_campaign_cannot_be_edited(marketer_client, draft):
    Campaign.objects.filter(pk=draft.pk).update(status="running")
    response = marketer_client.get(f"/campaigns/{draft.pk}/edit/content/")
    assert response["Location"] == f"/campaigns/{draft.pk}/"
    assert marketer_client.post(f"/campaigns/{draft.pk}/launch/")["Location"] == f"/campaigns/{draft.pk}/"


def test_estimate_needs_a_complete_draft_and_a_sender_role(marketer_client, viewer_client, outsider_client, draft):
    assert viewer_client.get(f"/campaigns/{draft.pk}/estimate.json").status_code == 403
    assert outsider_client.get(f"/campaigns/{draft.pk}/estimate.json").status_code == 404
    draft.audience = {}
    draft.save()
    response = marketer_client.get(f"/campaigns/{draft.pk}/estimate.json")
    assert response.status_code == 400 and "audience" in response.json()["error"]


def test_viewer_cannot_compose_or_launch(viewer_client, draft, vt_connection):
    assert viewer_client.get("/campaigns/new/").status_code == 403
    assert viewer_client.post("/campaigns/new/", {"name": "x", "channel": "sms"}).status_code == 403
    assert viewer_client.get(f"/campaigns/{draft.pk}/edit/review/").status_code == 403
    assert viewer_client.post(f"/campaigns/{draft.pk}/launch/").status_code == 403
    assert viewer_client.post(f"/campaigns/{draft.pk}/test/", {"to": "+923001234561"}).status_code == 403
    assert b"launch-button" not in viewer_client.get(f"/campaigns/{draft.pk}/").content
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_other_accounts_campaign_is_not_found(marketer_client, admin_client, foreign):
    other = foreign["campaign"]
    for client in (marketer_client, admin_client):
        assert client.get(f"/campaigns/{other.pk}/edit/content/").status_code == 404
        assert client.post(f"/campaigns/{other.pk}/launch/").status_code == 404
        assert client.post("/campaigns/compose/preview.json", {"text": "x", "campaign": other.pk}).status_code == 404
    # Another account's connection carries nothing for this one.
    response = marketer_client.post("/campaigns/new/", {"name": "x", "channel": "sms", "connection": foreign["connection"].pk})
    assert response.status_code == 200 and response.context["form"].errors["channel"]


def test_whatsapp_template_content(marketer_client, world, vt_connection):
    from campaigns.models import Template

    template = Template.objects.create(
        account=world.account,
        kind="whatsapp",
        name="order_update",
        body="Hi {{1}}, order {{2}}",
        connection=vt_connection,
        provider_template_id="tpl-9",
        variables=["1", "2"],
        has_media=True,
    )
    marketer_client.post("/campaigns/new/", {"name": "WA", "channel": "whatsapp", "whatsapp_type": "template"})
    campaign = Campaign.objects.get(name="WA")
    page = marketer_client.get(f"/campaigns/{campaign.pk}/edit/content/").content.decode()
    assert "order_update" in page and f'name="variables_{template.pk}"' in page and "Variables of order_update" in page
    response = marketer_client.post(f"/campaigns/{campaign.pk}/edit/content/", {"template": template.pk, "variables": "{{ first_name }}"})
    errors = response.context["form"].errors
    assert "2 variable(s); you gave 1" in errors["variables"][0] and "media" in errors["media_url"][0]
    marketer_client.post(
        f"/campaigns/{campaign.pk}/edit/content/",
        {"template": template.pk, "variables": "{{ first_name }}\nA-17", "media_url": "https://cdn.example/p.jpg"},
    )
    campaign.refresh_from_db()
    assert campaign.content["template_id"] == "tpl-9" and campaign.content["variables"] == ["{{ first_name }}", "A-17"]
    assert campaign.content["media"]["link"] == "https://cdn.example/p.jpg" and campaign.content["type"] == "template"


def test_voice_call_content(marketer_client, world, vt_connection):
    from django.core.files.base import ContentFile

    from campaigns.models import VoiceRecording

    marketer_client.post("/campaigns/new/", {"name": "Call", "channel": "voice", "voice_kind": "call"})
    campaign = Campaign.objects.get(name="Call")
    response = marketer_client.post(f"/campaigns/{campaign.pk}/edit/content/", {})
    assert "approved recording" in response.context["form"].errors["recording"][0]
    recording = VoiceRecording(account=world.account, name="Promo", status="approved", provider_reference="11384")
    recording.file.save("promo.wav", ContentFile(b"RIFF"), save=True)
    page = marketer_client.get(f"/campaigns/{campaign.pk}/edit/content/").content.decode()
    assert "Promo" in page and "Call parameters" in page
    marketer_client.post(
        f"/campaigns/{campaign.pk}/edit/content/",
        {"recording": recording.pk, "call_parameters": "Amina\n1234", "max_voice_repeat": 2, "max_call_attempts": 3},
    )
    campaign.refresh_from_db()
    assert campaign.content["recording"] == "11384" and campaign.content["kind"] == "call"
    assert campaign.content["call_parameters"] == {"var1": "Amina", "var2": "1234"}
    assert (campaign.content["max_voice_repeat"], campaign.content["max_call_attempts"]) == (2, 3)


def test_a_connection_to_an_unknown_provider_offers_nothing(marketer_client, world):
    make_connection(world.account, "gone", name="Old provider")
    page = marketer_client.get("/campaigns/new/")
    assert page.status_code == 200 and "Your account cannot send messages yet" in page.content.decode()
    response = marketer_client.post("/campaigns/new/", {"name": "x", "channel": "sms"})
    assert "cannot send SMS yet" in response.content.decode()


def test_schedule_shown_in_the_campaigns_time_zone(marketer_client, draft):
    marketer_client.post(
        f"/campaigns/{draft.pk}/edit/schedule/", {"when": "later", "send_at": "2099-03-01T09:30", "timezone": "Asia/Karachi"}
    )
    # The viewer's (here the account's, UTC) clock first, then the campaign's own.
    shown = "1 Mar 2099, 04:30 UTC (09:30 PKT, Asia/Karachi)"
    assert shown in marketer_client.get(f"/campaigns/{draft.pk}/edit/review/").content.decode()
    assert shown in marketer_client.get(f"/campaigns/{draft.pk}/").content.decode()
    form = marketer_client.get(f"/campaigns/{draft.pk}/edit/schedule/").context["form"]
    assert form["send_at"].value().strftime("%H:%M") == "09:30"


def test_preview_for_a_chosen_contact(marketer_client, draft, contacts):
    data = marketer_client.post(
        "/campaigns/compose/preview.json", {"text": "Hi {{ first_name }}", "campaign": draft.pk, "sample": contacts[3].phone}
    ).json()
    assert data["rendered"] == "Hi Name3" and data["sample"] == contacts[3].phone
    data = marketer_client.post(
        "/campaigns/compose/preview.json", {"text": "Hi {{ first_name }}", "campaign": draft.pk, "sample": "garbage"}
    ).json()
    assert data["rendered"].startswith("Hi Name")


def test_sender_step_for_ussd_says_none_is_needed(marketer_client, world):
    make_connection(world.account, "vappstore", name="V-App", credentials={"applicationId": "a", "password": "p"})
    marketer_client.post("/campaigns/new/", {"name": "Menu", "channel": "ussd"})
    campaign = Campaign.objects.get(name="Menu")
    assert "needs no sender ID" in marketer_client.get(f"/campaigns/{campaign.pk}/edit/sender/").content.decode()


def test_sender_step_links_a_marketer_to_request_a_sender(marketer_client, world, draft, vt_connection):
    page = marketer_client.get(f"/campaigns/{draft.pk}/edit/sender/").content.decode()
    assert 'href="/admin/senders/request/?channel=sms">Request a sender ID</a>' in page  # beside the approved ones
    SenderID.objects.filter(account=world.account).update(status="disabled")
    page = marketer_client.get(f"/campaigns/{draft.pk}/edit/sender/").content.decode()
    assert "No approved SMS sender ID" in page and "ask your account admin" not in page.lower()
    assert 'href="/admin/senders/request/?channel=sms">Request a sender ID</a>' in page
    request_page = marketer_client.get("/admin/senders/request/?channel=sms")
    assert request_page.status_code == 200 and request_page.context["form"]["channel"].value() == "sms"
