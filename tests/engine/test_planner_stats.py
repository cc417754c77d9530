"""Planner statistics refreshed after a bulk write (campaigns/services/planner_stats.py)."""

from __future__ import annotations

from django.db import connection

from campaigns.models import Contact
from campaigns.services.planner_stats import ANALYZE_AFTER_ROWS, refresh_after_bulk_write


def _estimated_rows(table: str) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        return cursor.fetchone()[0]


def test_a_large_write_is_analyzed_on_postgresql(engine_world):
    n = ANALYZE_AFTER_ROWS + 200
    Contact.objects.bulk_create(Contact(account=engine_world.account, phone=f"+9230055{i:05d}") for i in range(n))
    assert refresh_after_bulk_write(ANALYZE_AFTER_ROWS - 1) is False  # a few rows: left to autovacuum
    ran = refresh_after_bulk_write(n)
    if connection.vendor == "postgresql":
        assert ran is True
        assert _estimated_rows(Contact._meta.db_table) >= n
    else:
        assert ran is False  # SQLite plans without them
