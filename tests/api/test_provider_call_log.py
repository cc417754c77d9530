"""Account-level provider calls reach the HTTP log (ProviderCall) like sends do: the
provider's OTP generate and verify, and WhatsApp template sync."""

from __future__ import annotations

from campaigns.models import OtpRequest
from campaigns.services.template_sync import sync_templates
from providers.models import ProviderCall
from tests.conftest import make_connection


def test_provider_otp_calls_are_logged_with_secrets_redacted(api, world, simulators, django_capture_on_commit_callbacks):
    connection = make_connection(
        world.account, "vavasms", base_url="http://sim.test/vavasms", credentials={"username": "ops@acme.test", "password": "pw-secret"},
        settings={"sender_id": "ACME"},
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/otp", {"to": "+2250712345612", "use_provider_otp": True, "connection": connection.pk})
    otp = OtpRequest.objects.get(pk=response.json()["id"])
    code, _ = simulators["vavasms"].otps["2250712345612"]
    api.post("/api/v1/otp/verify", {"id": otp.pk, "code": code})

    calls = list(ProviderCall.objects.filter(connection=connection).order_by("pk"))
    assert len(calls) == 2, [c.url for c in calls]
    assert all(c.status_code == 200 for c in calls)
    assert not any("pw-secret" in c.request_body + c.url for c in calls)


def test_template_sync_is_logged(world, simulators):
    connection = make_connection(world.account, "vt", credentials={"apikey": "acme-key"})

    assert sync_templates(connection.pk)["ok"]

    [call] = ProviderCall.objects.filter(connection=connection)
    assert call.status_code == 200 and "acme-key" not in call.url + call.request_body
