"""Users and roles: access, create with initial password, change role, deactivate."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from campaigns.models import Membership, Role, Subaccount

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Xq7-initial-secret-pw"


def member(user) -> Membership:
    return Membership.objects.get(user=user)


def test_anonymous_is_sent_to_login(world):
    for url in ("/admin/users/", "/admin/users/new/", f"/admin/users/{member(world.marketer).pk}/"):
        assert Client().get(url)["Location"].startswith("/login/")


def test_marketer_and_viewer_are_refused(world, marketer_client, viewer_client):
    target = member(world.viewer)
    for client in (marketer_client, viewer_client):
        assert client.get("/admin/users/").status_code == 403
        assert client.get("/admin/users/new/").status_code == 403
        assert client.post(f"/admin/users/{target.pk}/", {"role": "admin"}).status_code == 403
        assert client.post(f"/admin/users/{target.pk}/active/").status_code == 403
    target.refresh_from_db()
    assert target.role == Role.VIEWER


def test_outsider_gets_404_on_another_accounts_user(world, outsider_client):
    target = member(world.marketer)
    assert outsider_client.get(f"/admin/users/{target.pk}/").status_code == 404
    assert outsider_client.post(f"/admin/users/{target.pk}/active/").status_code == 404
    assert "marketer@acme.test" not in outsider_client.get("/admin/users/").content.decode()
    world.marketer.refresh_from_db()
    assert world.marketer.is_active


def test_list_shows_the_accounts_users(world, admin_client):
    page = admin_client.get("/admin/users/").content.decode()
    assert "marketer@acme.test" in page and "viewer@acme.test" in page and "admin@globex.test" not in page


def test_admin_creates_a_marketer_who_can_log_in(world, admin_client):
    data = {"email": "New@Acme.test", "password": NEW_PASSWORD, "role": "marketer", "subaccount": world.subaccount.pk}
    response = admin_client.post("/admin/users/new/", data)
    assert response.status_code == 302
    created = Membership.objects.get(user__email="new@acme.test")
    assert created.account == world.account and created.role == Role.MARKETER and created.subaccount == world.subaccount
    assert Client().login(username="new@acme.test", password=NEW_PASSWORD)
    assert NEW_PASSWORD not in admin_client.get("/admin/users/").content.decode()


def test_admin_role_needs_no_subaccount(world, admin_client):
    data = {"email": "boss@acme.test", "password": NEW_PASSWORD, "role": "admin", "subaccount": world.subaccount.pk}
    admin_client.post("/admin/users/new/", data)
    created = Membership.objects.get(user__email="boss@acme.test")
    assert created.role == Role.ADMIN and created.subaccount is None


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"email": "marketer@acme.test"}, "already exists"),
        ({"email": "not-an-email"}, "Enter a valid email address"),
        ({"password": "short"}, "too short"),
        ({"subaccount": ""}, "Choose the subaccount"),
        ({"role": "god"}, "Select a valid choice"),
    ],
)
def test_create_errors(world, admin_client, over, message):
    data = {"email": "x@acme.test", "password": NEW_PASSWORD, "role": "marketer", "subaccount": world.subaccount.pk, **over}
    response = admin_client.post("/admin/users/new/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert NEW_PASSWORD not in page
    assert not get_user_model().objects.filter(email="x@acme.test").exists()


def test_another_accounts_subaccount_cannot_be_chosen(world, admin_client):
    theirs = Subaccount.objects.create(account=world.other_account, name="Theirs")
    data = {"email": "x@acme.test", "password": NEW_PASSWORD, "role": "marketer", "subaccount": theirs.pk}
    assert admin_client.post("/admin/users/new/", data).status_code == 200
    assert not get_user_model().objects.filter(email="x@acme.test").exists()


def test_change_role(world, admin_client):
    target = member(world.viewer)
    response = admin_client.post(f"/admin/users/{target.pk}/", {"role": "marketer", "subaccount": world.subaccount.pk})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.role == Role.MARKETER


def test_admin_cannot_demote_themselves(world, admin_client):
    me = member(world.admin)
    response = admin_client.post(f"/admin/users/{me.pk}/", {"role": "viewer", "subaccount": world.subaccount.pk})
    assert "cannot take away your own admin role" in response.content.decode()
    me.refresh_from_db()
    assert me.role == Role.ADMIN


def test_last_admin_cannot_be_demoted_by_anyone(world):
    from campaigns.forms.admin_users import MembershipForm

    form = MembershipForm({"role": "viewer", "subaccount": world.subaccount.pk}, membership=member(world.admin), acting_user=world.outsider)
    assert not form.is_valid()
    assert "last active admin" in str(form.errors)


def test_deactivate_and_reactivate(world, admin_client):
    target = member(world.marketer)
    response = admin_client.post(f"/admin/users/{target.pk}/active/")
    assert response.status_code == 302
    world.marketer.refresh_from_db()
    assert world.marketer.is_active is False
    assert not Client().login(username="marketer@acme.test", password="correct-horse-battery")
    admin_client.post(f"/admin/users/{target.pk}/active/", {"active": "1"})
    world.marketer.refresh_from_db()
    assert world.marketer.is_active is True


def test_admin_cannot_deactivate_themselves(world, admin_client):
    response = admin_client.post(f"/admin/users/{member(world.admin).pk}/active/", follow=True)
    assert "cannot deactivate yourself" in response.content.decode()
    world.admin.refresh_from_db()
    assert world.admin.is_active


def test_another_admin_can_be_deactivated_while_one_remains(world, admin_client):
    from tests.conftest import make_user

    second = make_user("second@acme.test", world.account, Role.ADMIN)
    assert admin_client.post(f"/admin/users/{member(second).pk}/active/").status_code == 302
    second.refresh_from_db()
    assert second.is_active is False


def test_admin_sets_a_new_password_for_a_member(world, admin_client):
    target = member(world.marketer)
    assert admin_client.get(f"/admin/users/{target.pk}/password/").status_code == 200
    response = admin_client.post(f"/admin/users/{target.pk}/password/", {"password": NEW_PASSWORD})
    assert response.status_code == 302
    assert Client().login(username="marketer@acme.test", password=NEW_PASSWORD)


def test_set_password_is_validated_and_never_echoed(world, admin_client):
    target = member(world.marketer)
    response = admin_client.post(f"/admin/users/{target.pk}/password/", {"password": "pw1"})
    page = response.content.decode()
    assert response.status_code == 200 and "too short" in page
    assert 'value="pw1"' not in page
    response = admin_client.post(f"/admin/users/{target.pk}/password/", {"password": "password123"})
    assert "too common" in response.content.decode()


def test_set_password_access(world, admin_client, marketer_client, outsider_client):
    target = member(world.viewer)
    assert marketer_client.post(f"/admin/users/{target.pk}/password/", {"password": NEW_PASSWORD}).status_code == 403
    assert outsider_client.post(f"/admin/users/{target.pk}/password/", {"password": NEW_PASSWORD}).status_code == 404
    assert not Client().login(username="viewer@acme.test", password=NEW_PASSWORD)
    # Their own password goes through the normal change-password page.
    assert admin_client.get(f"/admin/users/{member(world.admin).pk}/password/")["Location"] == "/password/"


def test_new_user_form_names_the_empty_subaccount_choice(admin_client):
    page = admin_client.get("/admin/users/new/").content.decode()
    assert "Choose a subaccount (admins need none)" in page and "---------" not in page
