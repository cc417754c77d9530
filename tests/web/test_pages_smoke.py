"""Every marketer page renders for every role of the account (and needs a login)."""

import pytest

PAGES = ["/", "/contacts/", "/lists/", "/suppressions/", "/campaigns/", "/templates/", "/recordings/", "/inbox/"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_render_for_each_role(path, admin_client, marketer_client, viewer_client, draft):
    for client in (admin_client, marketer_client, viewer_client):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        assert b"<nav" in response.content


@pytest.mark.parametrize("path", PAGES)
def test_pages_need_login(client, path, db):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_admin_links_only_for_admins(admin_client, marketer_client, viewer_client):
    assert b"/admin/connections/" in admin_client.get("/").content
    assert b"/admin/connections/" not in marketer_client.get("/").content
    assert b"/admin/connections/" not in viewer_client.get("/").content


def test_viewer_sees_no_create_buttons(viewer_client, draft):
    for path, link in [("/contacts/", b"/contacts/new/"), ("/campaigns/", b"/campaigns/new/"), ("/lists/", b"/lists/new/")]:
        assert link not in viewer_client.get(path).content


def test_campaign_pages_render(marketer_client, draft):
    for step in ["channel", "sender", "content", "audience", "schedule", "review"]:
        response = marketer_client.get(f"/campaigns/{draft.pk}/edit/{step}/")
        assert response.status_code == 200, step
    assert marketer_client.get(f"/campaigns/{draft.pk}/").status_code == 200
    assert marketer_client.get("/campaigns/new/").status_code == 200


def test_forbidden_and_missing_pages_are_styled(viewer_client, marketer_client):
    response = viewer_client.get("/campaigns/new/")
    assert response.status_code == 403 and b"Not allowed" in response.content and b"<nav" in response.content
    response = marketer_client.get("/campaigns/999999/")
    assert response.status_code == 404 and b"another account" in response.content
