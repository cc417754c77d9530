"""The HTTP log of a provider call is saved in bulk with every field as recorded."""

from __future__ import annotations

import json

import httpx
import pytest
from django.utils import timezone

from providers.http import ProviderHTTP
from providers.models import ProviderCall


def test_flush_saves_every_call_with_its_fields(world, fake_provider):
    conn, _ = fake_provider

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/down"):
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(201, json={"id": "p-1"})

    client = httpx.Client(transport=httpx.MockTransport(answer))
    http = ProviderHTTP(client, connection_id=conn.pk, account_id=conn.account_id, redact=frozenset({"x-key"}))
    before = timezone.now()
    http.post("http://p.test/send?token=t0ken", json={"to": "+923001234567", "password": "pw"}, headers={"X-Key": "k1"})
    with pytest.raises(httpx.ConnectError):
        http.get("http://p.test/down")
    assert http.flush() == 2 and http.flush() == 0

    sent, failed = ProviderCall.objects.filter(connection=conn).order_by("pk")
    assert (sent.account_id, sent.method, sent.status_code, sent.error) == (conn.account_id, "POST", 201, "")
    assert sent.url.startswith("http://p.test/send?token=") and "t0ken" not in sent.url
    assert sent.request_headers["x-key"] == "***" and isinstance(sent.request_headers, dict)
    assert json.loads(sent.request_body) == {"to": "+923001234567", "password": "***"}
    assert '"p-1"' in sent.response_body
    assert sent.created_at >= before.replace(microsecond=0) and sent.duration_ms >= 0
    assert (failed.method, failed.status_code, failed.response_body) == ("GET", None, "")
    assert failed.error.startswith("ConnectError")
