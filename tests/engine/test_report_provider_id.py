"""A report found by its provider id moves the message without writing that id again (it
was a second row version per report); one found by our own id records the provider's."""

from __future__ import annotations

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from campaigns.models import Message
from campaigns.services.reports import apply_updates, find_messages
from providers.base import MessageStatus as S
from providers.base import StatusUpdate
from tests.engine.test_report_isolation import sent  # noqa: F401 (fixture)


def _provider_id_writes(queries) -> list[str]:
    # executemany is logged as "N times: UPDATE ..."
    return [q["sql"] for q in queries if "UPDATE" in q["sql"] and "provider_message_id" in q["sql"].split("WHERE")[0]]


def test_a_report_found_by_its_provider_id_does_not_write_it_again(sent):  # noqa: F811
    conn, messages = sent
    updates = [StatusUpdate(status=S.DELIVERED, provider_message_id=m.provider_message_id, network="Jazz") for m in messages]
    found = find_messages(conn.pk, conn.account_id, updates)
    assert found.recorded == frozenset(range(len(messages)))

    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        assert apply_updates(conn.pk, conn.account_id, updates, found=found) == ["applied"] * len(messages)

    assert _provider_id_writes(queries.captured_queries) == []
    rows = Message.objects.filter(pk__in=[m.pk for m in messages])
    assert {(m.status, m.network) for m in rows} == {(S.DELIVERED, "Jazz")}
    assert sorted(m.provider_message_id for m in rows) == sorted(m.provider_message_id for m in messages)


def test_a_report_found_by_our_id_records_the_providers_id(sent):  # noqa: F811
    conn, messages = sent
    early = messages[0]
    Message.objects.filter(pk=early.pk).update(provider_message_id="")  # the send's result not recorded yet
    update = StatusUpdate(status=S.DELIVERED, provider_message_id="their-77", message_id=early.pk)

    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        assert apply_updates(conn.pk, conn.account_id, [update]) == ["applied"]

    assert len(_provider_id_writes(queries.captured_queries)) == 1
    early.refresh_from_db()
    assert (early.status, early.provider_message_id) == (S.DELIVERED, "their-77")
