"""Group commit of the webhook intake: reports that arrive together are stored in one
transaction, each request answers only after its row is committed, and a failed insert
fails every request of its batch (the providers send those again), none silently."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from providers import intake
from providers.base import WebhookRequest
from providers.models import WebhookEvent

pytestmark = pytest.mark.django_db(transaction=True)


def report(n: int) -> WebhookRequest:
    return WebhookRequest(method="POST", kind="", content_type="application/json", body=f'{{"n": {n}}}'.encode(), query={})


def write_in_threads(group: intake.GroupCommit, rows: list[list], first_started: threading.Event) -> list[BaseException | None]:
    """The first row's thread starts alone; the others arrive while its insert is running."""
    errors: list[BaseException | None] = [None] * len(rows)

    def write(i: int) -> None:
        try:
            group.write(rows[i])
        except BaseException as exc:  # the test inspects what each request got
            errors[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(len(rows))]
    threads[0].start()
    assert first_started.wait(5)
    for t in threads[1:]:
        t.start()
    time.sleep(0.3)  # the others queue behind the running insert
    for t in threads:
        t.join(10)
    return errors


def slow_first_insert(monkeypatch, fail: bool = False) -> tuple[list[int], threading.Event]:
    batches: list[int] = []
    started = threading.Event()
    real = intake.GroupCommit._insert

    def insert(batch):
        batches.append(len(batch))
        if len(batches) == 1:
            started.set()
            time.sleep(0.5)
        if fail and len(batches) > 1:
            for p in batch:
                p.params = p.params[:-1]  # one value short: the database refuses the statement
        real(batch)

    monkeypatch.setattr(intake.GroupCommit, "_insert", staticmethod(insert))
    return batches, started


def test_reports_arriving_together_share_one_transaction(world, vt_connection, monkeypatch):
    batches, started = slow_first_insert(monkeypatch)
    rows = [intake._row(vt_connection, "vt", "", report(i), intake.RECEIVED) for i in range(6)]
    errors = write_in_threads(intake.GroupCommit(), rows, started)
    assert errors == [None] * 6
    assert batches == [1, 5]  # the five that queued meanwhile went in one insert
    stored = sorted(WebhookEvent.objects.values_list("body", flat=True))
    assert [bytes(b) for b in stored] == sorted(r[7] for r in rows)
    assert set(WebhookEvent.objects.values_list("outcome", flat=True)) == {"received"}


def test_a_failed_insert_fails_every_request_of_its_batch(world, vt_connection, monkeypatch):
    batches, started = slow_first_insert(monkeypatch, fail=True)
    rows = [intake._row(vt_connection, "vt", "", report(i), intake.RECEIVED) for i in range(4)]
    errors = write_in_threads(intake.GroupCommit(), rows, started)
    assert errors[0] is None and batches == [1, 3]
    assert all(isinstance(e, RuntimeError) and e.__cause__ is not None for e in errors[1:])
    assert WebhookEvent.objects.count() == 1  # only the first batch's row; none half-stored


def test_the_intake_answers_after_its_row_is_committed(world, vt_connection, client):
    response = client.post(vt_connection.webhook_path(), data=b"not a report", content_type="application/json")
    assert response.status_code in (200, 400)
    event = WebhookEvent.objects.get()
    assert bytes(event.body) == b"not a report"
