"""Nothing stuck: a single send (API, OTP, test send) whose task died or hit a database
error is queued again by the periodic tick and sent once; SQLite through DATABASE_URL
gets the same WAL, busy timeout and IMMEDIATE transactions as the default path."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from datetime import timedelta

from django.db import OperationalError
from django.utils import timezone

from campaigns.models import Message
from campaigns.services import messaging, pipeline
from campaigns.services.maintenance import requeue_stuck_singles, tick
from campaigns.services.messaging import send_single


def age(message: Message, seconds: int = 120) -> None:
    Message.objects.filter(pk=message.pk).update(updated_at=timezone.now() - timedelta(seconds=seconds))


def test_single_send_whose_task_never_ran_is_sent_by_the_tick(monkeypatch, fake_provider, world):
    conn, sim = fake_provider
    monkeypatch.setattr(messaging, "queue_send", lambda ids: None)  # the task was lost with its worker
    message = send_single(account=world.account, connection=conn, channel="sms", to="+923001234517", text="hi")
    monkeypatch.undo()
    assert requeue_stuck_singles() == 0  # young: its task may still be on its way
    age(message)
    assert tick()["single_requeued"] == 1
    message.refresh_from_db()
    assert message.status == "submitted"
    assert sim.stats()["submissions"] == 1


def test_single_send_that_hit_a_database_error_is_retried(monkeypatch, fake_provider, world):
    conn, sim = fake_provider

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(pipeline, "send_chunk", locked)
    with contextlib.suppress(OperationalError):  # under Q_SYNC the task's error reaches the caller
        send_single(account=world.account, connection=conn, channel="sms", to="+923001234517", text="hi")
    monkeypatch.undo()
    message = Message.objects.get()
    assert message.status == "pending"
    age(message)
    assert requeue_stuck_singles() == 1
    message.refresh_from_db()
    assert message.status == "submitted" and sim.stats()["submissions"] == 1
    assert requeue_stuck_singles() == 0


def test_a_retry_that_came_due_is_sent_by_the_tick(fake_provider, world, monkeypatch):
    conn, _ = fake_provider
    monkeypatch.setattr(messaging, "queue_send", lambda ids: None)
    message = send_single(account=world.account, connection=conn, channel="sms", to="+923001234517", text="hi")
    monkeypatch.undo()
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() + timedelta(seconds=30))
    assert requeue_stuck_singles() == 0  # not due yet
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert requeue_stuck_singles() == 1
    message.refresh_from_db()
    assert message.status == "submitted"


def test_sqlite_database_url_gets_wal_busy_timeout_and_immediate_transactions(tmp_path):
    code = (
        "import json, django; django.setup(); from django.conf import settings; from django.db import connection;"
        "cursor = connection.cursor(); cursor.execute('PRAGMA journal_mode'); mode = cursor.fetchone()[0];"
        "cursor.execute('PRAGMA busy_timeout'); busy = cursor.fetchone()[0];"
        "print(json.dumps({'options': settings.DATABASES['default']['OPTIONS'], 'mode': mode, 'busy': busy}))"
    )
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'url.sqlite3'}", "DJANGO_SETTINGS_MODULE": "portal.settings"}
    env.update({"SECRET_KEY": "x", "REDIS_URL": ""})
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, cwd=os.getcwd())
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["options"]["transaction_mode"] == "IMMEDIATE"
    assert seen["mode"] == "wal" and seen["busy"] == 30000
