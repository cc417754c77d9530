"""A recording uploaded while the account has no voice connection does not sit "Pending"
forever: the pages say what is needed, approval waits for a connection, and once one exists
a marketer ties the recording to it and it proceeds to approval."""

from campaigns.models import VoiceRecording
from providers.models import ProviderConnection
from tests.conftest import make_connection
from tests.web.test_recordings import upload


def test_without_a_voice_connection_the_pages_say_what_is_needed(marketer_client, admin_client, world):
    assert not ProviderConnection.objects.filter(account=world.account).exists()
    upload(marketer_client)
    recording = VoiceRecording.objects.get(account=world.account)
    assert recording.connection is None and recording.status == "pending"
    page = marketer_client.get(f"/recordings/{recording.pk}/").content.decode()
    assert "Waiting for a voice connection" in page and "This account has no voice connection yet" in page
    assert 'name="connect"' not in page  # nothing to choose yet
    assert "Needs a voice connection" in marketer_client.get("/recordings/").content.decode()
    response = admin_client.post(f"/recordings/{recording.pk}/", {"status": "approved", "provider_reference": "11384"})
    assert "Choose the voice connection it was approved on first" in response.content.decode()
    recording.refresh_from_db()
    assert recording.status == "pending"


def test_once_a_connection_exists_the_recording_proceeds(marketer_client, admin_client, viewer_client, world):
    upload(marketer_client)
    recording = VoiceRecording.objects.get(account=world.account)
    conn = make_connection(world.account, "vt", name="VT voice")
    page = marketer_client.get(f"/recordings/{recording.pk}/").content.decode()
    assert "Choose the connection it is for" in page and 'name="connect"' in page and "VT voice" in page

    viewer_client.post(f"/recordings/{recording.pk}/", {"connect": "1", "connection": conn.pk})
    recording.refresh_from_db()
    assert recording.connection is None
    response = marketer_client.post(f"/recordings/{recording.pk}/", {"connect": "1", "connection": ""})
    assert "Choose the voice connection this recording is for." in response.content.decode()
    response = marketer_client.post(f"/recordings/{recording.pk}/", {"connect": "1", "connection": conn.pk}, follow=True)
    assert "Recording tied to VT voice" in response.content.decode()
    recording.refresh_from_db()
    assert recording.connection == conn and "Waiting for a voice connection" not in response.content.decode()

    admin_client.post(f"/recordings/{recording.pk}/", {"status": "approved", "provider_reference": "11384"})
    recording.refresh_from_db()
    assert (recording.status, recording.provider_reference) == ("approved", "11384")


def test_connect_refuses_another_accounts_connection(marketer_client, world):
    upload(marketer_client)
    recording = VoiceRecording.objects.get(account=world.account)
    make_connection(world.account, "vt", name="ours")
    theirs = make_connection(world.other_account, "vt", name="theirs")
    marketer_client.post(f"/recordings/{recording.pk}/", {"connect": "1", "connection": theirs.pk})
    recording.refresh_from_db()
    assert recording.connection is None
