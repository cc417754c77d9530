"""The OpenAPI schema generates cleanly and is served, with Swagger UI, without internet."""

from __future__ import annotations

from django.core.management import call_command


def test_schema_generates_without_warnings(capsys, tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--file", str(target), "--validate", "--fail-on-warn")
    text = target.read_text()
    assert "/api/v1/messages" in text and "Idempotency-Key" in text and "bearer" in text


def test_schema_and_docs_are_served(client, world):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    body = schema.json()
    assert body["openapi"].startswith("3.") and "/api/v1/contacts" in body["paths"]
    assert body["components"]["schemas"]["Error"]["required"] == ["error"]
    assert "404" in body["paths"]["/api/v1/contacts/{id}"]["get"]["responses"]
    assert body["paths"]["/api/v1/contacts/{id}"]["get"]["parameters"][0]["schema"]["type"] == "integer"
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html and "/static/drf_spectacular_sidecar/" in html
    assert "cdn." not in html and "unpkg" not in html and "jsdelivr" not in html
