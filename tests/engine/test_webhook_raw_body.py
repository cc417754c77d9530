"""Raw webhook bodies are stored as bytes, exactly as received, and shown escaped."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from providers.models import WebhookEvent
from tests.conftest import login_with_second_factor
from tests.engine.conftest import post_hook

NOT_UTF8 = b"status=DELIVRD&text=caf\xe9 \xff\xfe\x00 end \x80"  # latin-1, a BOM-like pair, NUL, a stray continuation byte


def test_non_utf8_body_is_stored_byte_exact(fake_provider, client):
    conn, _ = fake_provider
    post_hook(client, conn, NOT_UTF8)
    event = WebhookEvent.objects.get()
    assert event.raw_body == NOT_UTF8
    assert event.body_text.startswith("status=DELIVRD&text=caf\ufffd")


def test_utf8_body_round_trips(fake_provider, client):
    conn, _ = fake_provider
    body = '{"inbound": [{"from": "+923001234527", "text": "شکریہ ✓", "id": "mo-9"}]}'.encode()
    post_hook(client, conn, body)
    assert WebhookEvent.objects.get().raw_body == body


def test_admin_shows_the_body_escaped(fake_provider, client):
    conn, _ = fake_provider
    post_hook(client, conn, b"<script>alert(1)</script> \xff")
    event = WebhookEvent.objects.get()
    staff = get_user_model().objects.create_superuser("root", "root@example.test", "pw-long-enough-2026")
    browser = login_with_second_factor(staff)  # staff pass two-factor
    page = browser.get(f"/django-admin/providers/webhookevent/{event.pk}/change/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; \ufffd" in page
    assert "<script>alert(1)" not in page
    assert "27 byte(s) as received" in page


@pytest.mark.django_db(transaction=True)
def test_migration_keeps_existing_text_bodies():
    executor = MigrationExecutor(connection)
    before, after = [("providers", "0001_initial")], [("providers", "0002_webhook_body_bytes")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("providers", "WebhookEvent")
    kept = old.objects.create(provider="vt", method="POST", body='{"text": "café ✓"}')
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    try:
        assert WebhookEvent.objects.get(pk=kept.pk).raw_body == '{"text": "café ✓"}'.encode()
    finally:  # going back to providers 0001 also unapplied the campaigns migrations that need 0002
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
