"""Notifications fire once, from the service functions that make the change, to the right
people (in-app rows and mail.outbox), respecting each user's preferences."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
import respx
from django.core import mail

from campaigns.models import Account, ImportJob, Notice, Notification, NotificationPreference, Role, SenderID, VoiceRecording
from campaigns.services import imports, notifications, pipeline
from campaigns.services.approvals import apply_decision
from campaigns.services.campaigns import launch
from campaigns.services.ledger import Charge, charge
from providers.http import close_shared_clients
from tests.conftest import make_user
from tests.engine.conftest import add_contacts, make_campaign, numbers

SEND_URL = "http://sim.test/vt/v3/sendsms"


def inbox_of(kind: str) -> set[str]:
    """Who got an in-app notification of this kind (by e-mail address)."""
    return set(Notification.objects.filter(notice__kind=kind).values_list("user__email", flat=True))


def mailed_to(subject_part: str) -> list[str]:
    return sorted(address for m in mail.outbox if subject_part in m.subject for address in m.to)


@pytest.fixture
def others(world):
    """A marketer of another subaccount, who hears nothing about the first one's work."""
    other_sub = world.account.subaccounts.create(name="Sales")
    world.other_marketer = make_user("sales@acme.test", world.account, Role.MARKETER, other_sub)
    world.other_viewer = make_user("sales-viewer@acme.test", world.account, Role.VIEWER, other_sub)
    return world


def test_campaign_finished_reaches_admin_its_subaccounts_marketer_and_viewer_once(
    fake_provider, engine_world, others, django_capture_on_commit_callbacks
):
    conn, _ = fake_provider
    engine_world.sender.connection = conn
    engine_world.sender.save()
    campaign = make_campaign(
        engine_world, add_contacts(engine_world.account, numbers(3)), connection=conn, subaccount=engine_world.subaccount
    )
    with django_capture_on_commit_callbacks(execute=True):
        launch(campaign)
    campaign.refresh_from_db()
    assert campaign.status == "completed"
    expected = {"admin@acme.test", "marketer@acme.test", "viewer@acme.test"}
    assert inbox_of("campaign_finished") == expected
    assert set(mailed_to("finished")) == expected and len(mailed_to("finished")) == 3

    with django_capture_on_commit_callbacks(execute=True):
        notifications.campaign_finished(campaign)  # a retried completion: nothing new
    assert Notification.objects.filter(notice__kind="campaign_finished").count() == 3
    assert len(mailed_to("finished")) == 3


@respx.mock
def test_account_error_pauses_with_reason_and_takes_the_connection_out(engine_world, others, django_capture_on_commit_callbacks):
    close_shared_clients()
    respx.post(SEND_URL).mock(return_value=httpx.Response(401, text="unauthorized"))
    campaign = make_campaign(engine_world, add_contacts(engine_world.account, numbers(2)), subaccount=engine_world.subaccount)
    with django_capture_on_commit_callbacks(execute=True):
        launch(campaign)
    campaign.refresh_from_db()
    assert campaign.status == "paused"

    paused = Notice.objects.get(kind="campaign_paused")
    assert paused.body == campaign.status_reason and "auth_failed" in paused.body
    assert inbox_of("campaign_paused") == {"admin@acme.test", "marketer@acme.test"}
    out = Notice.objects.get(kind="connection_out")
    assert engine_world.connection.name in out.title and "Spring sale" in out.body
    assert inbox_of("connection_out") == {"admin@acme.test"}
    assert mailed_to("taken out of rotation") == ["admin@acme.test"]

    assert not pipeline.auto_pause(campaign.pk, "again")  # already paused: no second notice
    assert Notice.objects.filter(kind="campaign_paused").count() == 1


def test_a_user_pause_is_not_notified_but_a_later_auto_pause_is(engine_world):
    campaign = make_campaign(engine_world, status="running")
    assert pipeline.pause(campaign.pk, "Paused by a person")
    assert not Notice.objects.exists()
    campaign.status = "running"
    campaign.save()
    assert pipeline.auto_pause(campaign.pk, "Paused automatically: too many recent sends failed.")
    assert Notice.objects.filter(kind="campaign_paused").count() == 1
    assert not Notice.objects.filter(kind="connection_out").exists()  # not an account error


def _charge(account: Account, amount: str) -> None:
    charge(account.pk, [Charge(message_id=None, campaign_id=None, subaccount_id=None, amount=Decimal(amount), reserved=Decimal("0"))])


def test_low_balance_fires_once_per_crossing_to_admins_only(engine_world, django_capture_on_commit_callbacks):
    account = engine_world.account
    account.refresh_from_db()
    assert account.balance == Decimal("100")
    account.low_balance_threshold = Decimal("50")
    account.save(update_fields=["low_balance_threshold"])
    with django_capture_on_commit_callbacks(execute=True):
        _charge(account, "40")  # 60: above
        _charge(account, "15")  # 45: crosses
        _charge(account, "5")  # 40: still below, no new notice
    assert Notice.objects.filter(kind="low_balance").count() == 1
    assert inbox_of("low_balance") == {"admin@acme.test"}
    assert mailed_to("Balance below") == ["admin@acme.test"]
    assert "45.00" in Notice.objects.get(kind="low_balance").body.replace(",", "")

    from campaigns.services.ledger import top_up

    top_up(account, Decimal("20"), description="back above")  # 60
    _charge(account, "20")  # 40: a second crossing
    assert Notice.objects.filter(kind="low_balance").count() == 2


def test_sender_decisions_reach_admins_and_the_requester(world, others):
    sender = SenderID.objects.create(account=world.account, channel="sms", value="ACMEPROMO", requested_by=world.marketer)
    apply_decision(sender, "approve", "", world.admin)
    assert inbox_of("sender_decided") == {"admin@acme.test", "marketer@acme.test"}
    rejected = SenderID.objects.create(account=world.account, channel="sms", value="NOPE", requested_by=world.other_marketer)
    apply_decision(rejected, "reject", "Looks like a brand we cannot verify", world.admin)
    notice = Notice.objects.get(kind="sender_decided", title__contains="NOPE")
    assert "rejected" in notice.title and "cannot verify" in notice.body
    assert set(notice.notifications.values_list("user__email", flat=True)) == {"admin@acme.test", "sales@acme.test"}
    apply_decision(rejected, "disable", "", world.admin)  # not an approval or rejection
    assert Notice.objects.filter(kind="sender_decided").count() == 2


def test_recording_approved_once_to_admins_and_its_subaccounts_marketers(world, others, admin_client):
    from django.core.files.base import ContentFile

    from tests.conftest import make_connection

    conn = make_connection(world.account, "vt")
    recording = VoiceRecording(
        account=world.account, subaccount=world.subaccount, name="Welcome", connection=conn, uploaded_by=world.marketer
    )
    recording.file.save("welcome.mp3", ContentFile(b"ID3"), save=True)
    data = {"status": "approved", "provider_reference": "REF-1"}
    assert admin_client.post(f"/recordings/{recording.pk}/", data).status_code == 302
    assert admin_client.post(f"/recordings/{recording.pk}/", data).status_code == 302  # saved again
    assert Notice.objects.filter(kind="recording_approved").count() == 1
    assert inbox_of("recording_approved") == {"admin@acme.test", "marketer@acme.test"}


def test_import_finished_reaches_admins_and_whoever_imported(world, others, tmp_path):
    from django.core.files.base import ContentFile

    job = ImportJob(account=world.account, created_by=world.other_marketer, original_name="leads.csv", mapping={"0": "phone"})
    job.file.save("leads.csv", ContentFile(b"phone\n+923001230001\n"), save=True)
    imports.run_import(job.pk)
    imports.run_import(job.pk)  # a retried task
    notice = Notice.objects.get(kind="import_finished")
    assert "leads.csv" in notice.title
    assert inbox_of("import_finished") == {"admin@acme.test", "sales@acme.test"}


def test_preferences_turn_off_in_app_and_email_separately(engine_world, django_capture_on_commit_callbacks):
    NotificationPreference.objects.create(user=engine_world.admin, in_app=["low_balance"], email=[])
    NotificationPreference.objects.create(user=engine_world.marketer, in_app=[], email=["campaign_finished"])
    campaign = make_campaign(engine_world, subaccount=engine_world.subaccount, recipients=2)
    with django_capture_on_commit_callbacks(execute=True):
        notifications.campaign_finished(campaign)
    assert inbox_of("campaign_finished") == {"viewer@acme.test"}
    assert mailed_to("finished") == ["marketer@acme.test", "viewer@acme.test"]


def test_two_workers_racing_on_one_event_make_one_notice(world):
    first = notifications.notify(world.account.pk, "campaign_finished", "campaign-finished:999", "Done")
    second = notifications.notify(world.account.pk, "campaign_finished", "campaign-finished:999", "Done")
    assert first is not None and second is None
    assert Notification.objects.filter(user=world.admin).count() == 1
