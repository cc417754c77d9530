"""Array parameters of the PostgreSQL hot statements (campaigns/services/pg_insert.py):
integers and strings go as one delimited string split by the server, anything else (or a
string holding the separator) as a list, and every value comes back as it went."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection

from campaigns.services.pg_insert import array_sql

CASES = [
    ([1, 2, 3_000_000_000], "bigint", True),
    ([None, 7, None], "bigint", True),
    (["a", "", 'quote " and \\ backslash', "é ✓ 🎉", "{braces},commas"], "text", True),
    (["", ""], "text", True),
    (["only one"], "text", False),  # one empty string would split into no element at all
    (["a", "holds \x1f the separator"], "text", False),
    (["a", None], "text", False),
    ([True, False], "boolean", False),
    ([Decimal("0.02"), Decimal("3")], "numeric", False),
]


@pytest.mark.parametrize(("values", "db_type", "joined"), CASES)
def test_values_come_back_as_they_went(db, values, db_type, joined):
    sql, param = array_sql(values, db_type)
    assert sql.startswith("string_to_array(") is joined
    if connection.vendor != "postgresql":
        return  # the statements that use them run on PostgreSQL only
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sql}", [param])
        assert cursor.fetchone()[0] == values
