"""The connection form tries the provider's test call at the base URL it is given: a base
URL whose test call answers 404 is refused with the document's base URL as a hint."""

from __future__ import annotations

import pytest

from providers.models import ProviderCall, ProviderConnection

pytestmark = pytest.mark.django_db


def vavasms_data(base_url: str) -> dict:
    return {
        "provider": "vavasms",
        "name": "Vava",
        "base_url": base_url,
        "mps": "10",
        "cred__username": "ops@acme.test",
        "cred__password": "pw",
        "setting__status_path": "v1/text/status",
    }


def test_a_base_url_answering_404_is_refused_with_a_hint(admin_client, simulators):
    response = admin_client.post("/admin/connections/new/", vavasms_data("http://sim.test/vavasms/v2"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "answered 404 Not Found" in page and "https://vavasms.com/api" in page
    assert not ProviderConnection.objects.exists()
    assert ProviderCall.objects.filter(status_code=404).exists()  # the probe is in the HTTP log


def test_the_right_base_url_is_accepted(admin_client, simulators):
    response = admin_client.post("/admin/connections/new/", vavasms_data("http://sim.test/vavasms"))

    assert response.status_code == 302, response.content.decode()[:2000]
    assert ProviderConnection.objects.get().base_url == "http://sim.test/vavasms"


def test_the_form_says_the_documents_base_url(admin_client):
    page = admin_client.get("/admin/connections/new/?provider=vavasms").content.decode()

    assert "the document&#x27;s .../api" in page or "the document's .../api" in page
