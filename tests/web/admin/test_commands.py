"""Operator commands: create_account and add_connection."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from campaigns.models import Account, Membership, Role, Subaccount
from providers.models import ProviderConnection
from providers.registry import backend_class

pytestmark = pytest.mark.django_db


def run(*args) -> list[str]:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().strip().splitlines()


def test_create_account_prints_the_slug_alone_last():
    lines = run("create_account", "Acme Corp", "--admin", "Admin@Acme.test", "--password", "pw-123456-grape")
    account = Account.objects.get(name="Acme Corp")
    assert lines[-1] == account.slug == "acme-corp"
    assert Subaccount.objects.filter(account=account).count() == 1
    membership = Membership.objects.get(account=account)
    assert membership.role == Role.ADMIN and membership.user.email == "admin@acme.test"
    assert authenticate(username="admin@acme.test", password="pw-123456-grape") == membership.user


def test_create_account_makes_slugs_unique():
    run("create_account", "Acme", "--admin", "a@one.test", "--password", "x-pass-1-grape")
    lines = run("create_account", "Acme", "--admin", "a@two.test", "--password", "x-pass-1-grape")
    assert lines[-1] == "acme-2"


def test_create_account_refuses_an_existing_admin_email():
    run("create_account", "Acme", "--admin", "admin@acme.test", "--password", "x-pass-1-grape")
    with pytest.raises(CommandError, match=r"admin@acme\.test already exists"):
        run("create_account", "Other", "--admin", "ADMIN@acme.test", "--password", "x-pass-1-grape")
    assert not Account.objects.filter(name="Other").exists()


def test_create_account_refuses_a_bad_email():
    with pytest.raises(CommandError, match="not a valid email"):
        run("create_account", "Acme", "--admin", "nope", "--password", "x-pass-1-grape")


def test_add_connection_prints_the_webhook_path_last(world):
    lines = run(
        "add_connection", "--account", "acme", "--provider", "vt", "--base-url", "http://127.0.0.1:8025/vt",
        "--credential", "apikey=KEY-1", "--mps", "30", "--name", "VT sim",
    )  # fmt: skip
    conn = ProviderConnection.objects.get(name="VT sim")
    assert lines[-1] == conn.webhook_path() and lines[-1].startswith("/webhooks/vt/")
    assert conn.get_credentials() == {"apikey": "KEY-1"} and conn.mps == 30 and conn.account == world.account
    assert "KEY-1" not in "\n".join(lines)


def test_add_connection_takes_every_credential_by_its_documented_name(world):
    backend = backend_class("wavy")
    args = []
    for spec in backend.credential_fields:
        args += ["--credential", f"{spec.name}=v-{spec.name}"]
    run("add_connection", "--account", "acme", "--provider", "wavy", *args)
    conn = ProviderConnection.objects.get(provider="wavy")
    assert conn.get_credentials() == {spec.name: f"v-{spec.name}" for spec in backend.credential_fields}
    assert conn.base_url == backend.default_base_url.rstrip("/")


def test_add_connection_lists_expected_names_for_a_wrong_credential(world):
    expected = ", ".join(spec.name for spec in backend_class("vt").credential_fields)
    with pytest.raises(CommandError, match=f"Expected credential names: {expected}"):
        run("add_connection", "--account", "acme", "--provider", "vt", "--credential", "api_key=KEY")
    with pytest.raises(CommandError, match="needs --credential apikey"):
        run("add_connection", "--account", "acme", "--provider", "vt")
    assert not ProviderConnection.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--account", "nosuch", "--provider", "vt", "--credential", "apikey=K"], "No account"),
        (["--account", "acme", "--provider", "nosuch", "--credential", "apikey=K"], "No provider"),
        (["--account", "acme", "--provider", "vt", "--credential", "apikey"], "not name=value"),
        (["--account", "acme", "--provider", "vt", "--credential", "apikey=K", "--base-url", "ftp:/x"], "not a valid"),
        (["--account", "acme", "--provider", "vt", "--credential", "apikey=K", "--mps", "0"], "at least 1"),
        (["--account", "acme", "--provider", "vt", "--credential", "apikey=K", "--setting", "nosuch=1"], "Expected setting names"),
        (["--account", "acme", "--provider", "vt", "--credential", "apikey=K", "--channels", "ussd"], "does not offer ussd"),
    ],
)
def test_add_connection_errors(world, args, message):
    with pytest.raises(CommandError, match=message):
        run("add_connection", *args)


def test_add_connection_refuses_a_duplicate_name(world):
    run("add_connection", "--account", "acme", "--provider", "vt", "--credential", "apikey=K", "--name", "Main")
    with pytest.raises(CommandError, match="already has a connection named"):
        run("add_connection", "--account", "acme", "--provider", "vt", "--credential", "apikey=K", "--name", "main")


def test_add_connection_stores_settings_by_their_names(world):
    spec = backend_class("vt").setting_fields[0]
    run("add_connection", "--account", "acme", "--provider", "vt", "--credential", "apikey=K", "--setting", f"{spec.name}=http://x.test")
    assert ProviderConnection.objects.get(provider="vt").settings == {spec.name: "http://x.test"}
