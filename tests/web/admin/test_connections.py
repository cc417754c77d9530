"""Provider connections: access, the per-provider form, write-only credentials, the detail page."""

from __future__ import annotations

import pytest
from django.test import Client

from campaigns.views.admin.connections import capability_label
from providers.models import ProviderConnection
from providers.registry import backend_class
from tests.conftest import make_connection

pytestmark = pytest.mark.django_db

SECRET = "s3cret-Key-that-must-never-show-9f8e7d"


def new_vt_data(**over) -> dict:
    data = {"provider": "vt", "name": "VT main", "base_url": "http://127.0.0.1:8025/vt", "mps": "20", "cred__apikey": SECRET}
    data.update(over)
    return data


def all_pages(client: Client, conn: ProviderConnection) -> str:
    urls = ["/admin/connections/", f"/admin/connections/{conn.pk}/", f"/admin/connections/{conn.pk}/edit/"]
    return "".join(client.get(url).content.decode() for url in urls)


# --- access ---------------------------------------------------------------------------


def urls_for(conn: ProviderConnection) -> list[str]:
    return [
        f"/admin/connections/{conn.pk}/",
        f"/admin/connections/{conn.pk}/edit/",
        f"/admin/connections/{conn.pk}/check-status/",
    ]


def test_anonymous_is_sent_to_login(vt_connection):
    for url in ["/admin/connections/", "/admin/connections/new/", *urls_for(vt_connection)]:
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url


def test_marketer_and_viewer_are_refused(vt_connection, marketer_client, viewer_client):
    for client in (marketer_client, viewer_client):
        for url in ["/admin/connections/", "/admin/connections/new/?provider=vt", *urls_for(vt_connection)]:
            assert client.get(url).status_code == 403, url
        assert client.post(f"/admin/connections/{vt_connection.pk}/test/").status_code == 403
        assert client.post("/admin/connections/new/", new_vt_data(name="sneaky")).status_code == 403
    assert not ProviderConnection.objects.filter(name="sneaky").exists()


def test_outsider_gets_404_on_another_accounts_connection(vt_connection, outsider_client):
    for url in urls_for(vt_connection):
        assert outsider_client.get(url).status_code == 404, url
    assert outsider_client.post(f"/admin/connections/{vt_connection.pk}/test/").status_code == 404
    assert outsider_client.post(f"/admin/connections/{vt_connection.pk}/edit/", new_vt_data(name="stolen")).status_code == 404
    vt_connection.refresh_from_db()
    assert vt_connection.last_check_ok is None and vt_connection.name != "stolen"


def test_list_shows_only_my_accounts_connections(world, vt_connection, admin_client):
    make_connection(world.other_account, "vt", name="Globex VT")
    page = admin_client.get("/admin/connections/").content.decode()
    assert vt_connection.name in page and "Globex VT" not in page


# --- creating -------------------------------------------------------------------------


def test_provider_choice_lists_every_installed_provider(admin_client):
    page = admin_client.get("/admin/connections/new/").content.decode()
    assert "?provider=vt" in page
    assert backend_class("vt").name in page


def test_form_is_built_from_the_providers_fields(admin_client):
    backend = backend_class("vt")
    page = admin_client.get("/admin/connections/new/?provider=vt").content.decode()
    for spec in backend.credential_fields:
        assert f'name="cred__{spec.name}"' in page
    for spec in backend.setting_fields:
        assert f'name="setting__{spec.name}"' in page
    assert backend.default_base_url in page


def test_unknown_provider_is_404(admin_client):
    assert admin_client.get("/admin/connections/new/?provider=nosuch").status_code == 404


def test_admin_creates_a_connection_with_encrypted_credentials(world, admin_client):
    response = admin_client.post("/admin/connections/new/", new_vt_data(channels=["sms"]))
    assert response.status_code == 302
    conn = ProviderConnection.objects.get(name="VT main")
    assert conn.account == world.account and conn.provider == "vt" and conn.mps == 20
    assert conn.channels == ["sms"] and conn.base_url == "http://127.0.0.1:8025/vt"
    assert conn.get_credentials() == {"apikey": SECRET}
    assert SECRET not in conn.credentials_encrypted
    assert response["Location"] == f"/admin/connections/{conn.pk}/"


@pytest.mark.parametrize(
    ("over", "field", "message"),
    [
        ({"cred__apikey": ""}, "cred__apikey", "This field is required"),
        ({"base_url": "not a url"}, "base_url", "Enter a valid URL"),
        ({"mps": "0"}, "mps", "at least 1 message per second"),
        ({"name": ""}, "name", "This field is required"),
        ({"channels": ["ussd-not-a-channel"]}, "channels", "Select a valid choice"),
    ],
)
def test_form_errors_are_shown_next_to_the_field(admin_client, over, field, message):
    response = admin_client.post("/admin/connections/new/", new_vt_data(**over))
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert f'id="id_{field}_error"' in page
    assert not ProviderConnection.objects.exists()


def test_typed_secret_is_not_echoed_when_the_form_has_errors(admin_client):
    response = admin_client.post("/admin/connections/new/", new_vt_data(mps="0"))
    assert SECRET not in response.content.decode()


def test_duplicate_name_is_refused(world, vt_connection, admin_client):
    response = admin_client.post("/admin/connections/new/", new_vt_data(name=vt_connection.name.upper()))
    assert "already has this name" in response.content.decode()


# --- editing --------------------------------------------------------------------------


def test_blank_secret_on_edit_keeps_the_stored_value(world, admin_client):
    conn = make_connection(world.account, "vt", credentials={"apikey": SECRET})
    response = admin_client.post(f"/admin/connections/{conn.pk}/edit/", new_vt_data(name="Renamed", cred__apikey="", mps="5"))
    assert response.status_code == 302
    conn.refresh_from_db()
    assert conn.name == "Renamed" and conn.mps == 5 and conn.get_credentials()["apikey"] == SECRET


def test_typed_secret_on_edit_replaces_the_stored_value(world, admin_client):
    conn = make_connection(world.account, "vt", credentials={"apikey": SECRET})
    admin_client.post(f"/admin/connections/{conn.pk}/edit/", new_vt_data(cred__apikey="new-key-123"))
    conn.refresh_from_db()
    assert conn.get_credentials()["apikey"] == "new-key-123"


def test_edit_can_deactivate(world, admin_client):
    conn = make_connection(world.account, "vt")
    admin_client.post(f"/admin/connections/{conn.pk}/edit/", new_vt_data())  # is_active unticked
    conn.refresh_from_db()
    assert conn.is_active is False


def test_secret_never_appears_in_any_page(world, admin_client):
    conn = make_connection(world.account, "vt", credentials={"apikey": SECRET})
    page = all_pages(admin_client, conn)
    assert SECRET not in page
    assert SECRET[:6] not in page  # not even a masked prefix
    assert "stored (hidden)" in page
    assert "A value is stored; leave blank to keep it." in page


def test_non_secret_credentials_are_shown_and_kept(world, admin_client):
    backend = backend_class("wavy")
    shown = [spec for spec in backend.credential_fields if not spec.secret]
    secret = [spec for spec in backend.credential_fields if spec.secret]
    assert shown and secret
    values = {spec.name: f"value-of-{spec.name}" for spec in backend.credential_fields}
    conn = make_connection(world.account, "wavy", credentials=values)
    page = admin_client.get(f"/admin/connections/{conn.pk}/edit/").content.decode()
    for spec in shown:
        assert f"value-of-{spec.name}" in page
    for spec in secret:
        assert f"value-of-{spec.name}" not in page


# --- detail ---------------------------------------------------------------------------


def test_detail_shows_webhook_url_capabilities_and_what_is_missing(vt_connection, admin_client):
    backend = backend_class("vt")
    page = admin_client.get(f"/admin/connections/{vt_connection.pk}/").content.decode()
    assert vt_connection.webhook_url() in page
    assert "not offered" in page  # every provider lacks something
    for cap in backend.capabilities:
        assert f'<li class="">{capability_label(cap)}<' in page
    if backend.notes:
        assert backend.notes.split(".")[0][:40] in page.replace("&#x27;", "'")


def test_detail_and_list_show_the_engines_queue_depth(world, vt_connection, admin_client):
    from campaigns.models import Message

    for n in range(3):
        Message.objects.create(account=world.account, connection=vt_connection, to=f"+92300123456{n}", status="pending")
    page = admin_client.get(f"/admin/connections/{vt_connection.pk}/").content.decode()
    assert '<div class="label">Queue depth</div><div class="value">3</div>' in page
    page = admin_client.get("/admin/connections/").content.decode()
    assert '<td class="num">3</td>' in page


def test_balance_hint_depends_on_the_provider(world, admin_client):
    from providers.base import Capability
    from providers.registry import backends

    for slug, backend in backends().items():
        conn = make_connection(world.account, slug, name=f"{slug} conn", credentials={})
        page = admin_client.get(f"/admin/connections/{conn.pk}/").content.decode()
        if backend.supports(Capability.BALANCE):
            assert "Test the connection to read it." in page
        else:
            assert "does not report a balance" in page


def test_rotating_the_webhook_token_retires_the_old_url(vt_connection, admin_client, marketer_client, outsider_client):
    old_path = vt_connection.webhook_path()
    assert marketer_client.post(f"/admin/connections/{vt_connection.pk}/rotate-token/").status_code == 403
    assert outsider_client.post(f"/admin/connections/{vt_connection.pk}/rotate-token/").status_code == 404
    assert admin_client.get(f"/admin/connections/{vt_connection.pk}/rotate-token/")["Location"] == f"/admin/connections/{vt_connection.pk}/"
    assert admin_client.post(f"/admin/connections/{vt_connection.pk}/rotate-token/").status_code == 302
    vt_connection.refresh_from_db()
    assert vt_connection.webhook_path() != old_path
    assert Client().post(old_path, data="{}", content_type="application/json").status_code == 404
    page = admin_client.get(f"/admin/connections/{vt_connection.pk}/").content.decode()
    assert vt_connection.webhook_url() in page and old_path not in page
