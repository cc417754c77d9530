"""`manage.py explain_hot_queries`: the plans of the engine's hot statements (PostgreSQL;
elsewhere a clear error)."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection


def test_plans_of_the_hot_statements(db):
    out = io.StringIO()
    if connection.vendor != "postgresql":
        with pytest.raises(CommandError, match="needs PostgreSQL"):
            call_command("explain_hot_queries", "--messages", "500", stdout=out)
        return
    call_command("explain_hot_queries", "--messages", "3000", stdout=out)
    text = out.getvalue()
    assert "campaigns_message holds 3000 rows" in text
    for title in ("claim a chunk", "mark submitted", "find reports' messages by provider id", "stale claims", "held reports"):
        assert f"## {title}" in text
    assert "Execution Time" in text
