"""The bell and the notifications page: each user sees and marks only their own; the
preferences on “Your settings”."""

from __future__ import annotations

from campaigns.models import Notification, NotificationPreference
from campaigns.services import notifications
from tests.conftest import login


def finished(world, n: int = 1, link: str = "/campaigns/"):
    for i in range(n):
        notifications.notify(
            world.account.pk,
            "campaign_finished",
            f"test:{i}",
            f"Campaign “Sale {i}” finished",
            "It went to 3 recipient(s).",
            link,
            notifications.Audience(viewers=True, marketers=True),
        )


def test_bell_shows_the_unread_count(world, marketer_client):
    html = marketer_client.get("/").content.decode()
    assert 'aria-label="Notifications"' in html and "bell-count" not in html
    finished(world, 3)
    html = marketer_client.get("/").content.decode()
    assert 'aria-label="Notifications, 3 unread"' in html and '<span class="bell-count" data-bell-count>3</span>' in html


def test_list_open_and_mark_read(world, marketer_client):
    finished(world, 2, link="/campaigns/")
    page = marketer_client.get("/notifications/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Campaign “Sale 0” finished" in html and "Campaign “Sale 1” finished" in html and "2 unread." in html
    first, second = Notification.objects.filter(user=world.marketer).order_by("pk")
    response = marketer_client.get(f"/notifications/{first.pk}/")
    assert response.status_code == 302 and response["Location"] == "/campaigns/"
    first.refresh_from_db()
    assert first.read_at is not None
    assert marketer_client.post(f"/notifications/{second.pk}/read/").status_code == 302
    assert notifications.unread_count(world.marketer) == 0
    assert "Nothing unread" in marketer_client.get("/notifications/?show=unread").content.decode()
    assert notifications.unread_count(world.admin) == 2  # the admin's copies are untouched


def test_mark_all_read_only_marks_mine(world, marketer_client):
    finished(world, 3)
    assert marketer_client.post("/notifications/read-all/").status_code == 302
    assert notifications.unread_count(world.marketer) == 0
    assert notifications.unread_count(world.viewer) == 3


def test_another_users_notification_is_404(world, marketer_client):
    finished(world)
    admins = Notification.objects.get(user=world.admin)
    assert marketer_client.get(f"/notifications/{admins.pk}/").status_code == 404
    assert marketer_client.post(f"/notifications/{admins.pk}/read/").status_code == 404
    outsider = login(world.outsider)
    assert outsider.get(f"/notifications/{admins.pk}/").status_code == 404
    assert outsider.post(f"/notifications/{admins.pk}/read/").status_code == 404
    assert "Sale 0" not in outsider.get("/notifications/").content.decode()
    admins.refresh_from_db()
    assert admins.read_at is None


def test_mark_read_needs_post_and_a_login(world, marketer_client, client):
    finished(world)
    mine = Notification.objects.get(user=world.marketer)
    assert marketer_client.get(f"/notifications/{mine.pk}/read/")["Location"] == "/notifications/"
    assert client.get("/notifications/").status_code == 302  # to the login page
    mine.refresh_from_db()
    assert mine.read_at is None


def test_a_link_off_site_is_not_followed(world, marketer_client):
    finished(world, link="https://evil.example/")
    mine = Notification.objects.get(user=world.marketer)
    assert marketer_client.get(f"/notifications/{mine.pk}/")["Location"] == "/notifications/"


def test_empty_page_says_what_will_appear(marketer_client):
    assert "No notifications yet" in marketer_client.get("/notifications/").content.decode()


def test_preferences_section_lists_only_what_the_role_gets(world, admin_client):
    viewer_page = login(world.viewer).get("/settings/").content.decode()
    assert 'id="notifications"' in viewer_page and "Campaign finished" in viewer_page and "Balance below" not in viewer_page
    assert "Connection taken out of rotation" in admin_client.get("/settings/").content.decode()


def test_saving_preferences(world, marketer_client):
    data = {"timezone": "", "phone": "", "notify-in_app": ["campaign_finished", "import_finished"], "notify-email": ["import_finished"]}
    assert marketer_client.post("/settings/", data).status_code == 302
    pref = NotificationPreference.objects.get(user=world.marketer)
    assert set(pref.in_app) == {"campaign_finished", "import_finished", "low_balance", "connection_out"}  # unshown kinds kept
    assert pref.email == ["connection_out", "import_finished", "low_balance"]
    html = marketer_client.get("/settings/").content.decode()
    assert (
        'name="notify-email" value="import_finished" id="notify-email-import_finished" aria-label="Contact import finished by e-mail" checked'
        in html
    )
    assert (
        'name="notify-email" value="campaign_finished" id="notify-email-campaign_finished" aria-label="Campaign finished by e-mail">'
        in html
    )


def test_a_kind_not_offered_is_a_clear_error(world, marketer_client):
    data = {"timezone": "", "phone": "", "notify-in_app": ["nonsense"]}
    response = marketer_client.post("/settings/", data)
    assert response.status_code == 200 and "Choose from the listed notifications only." in response.content.decode()
    assert not NotificationPreference.objects.exists()
