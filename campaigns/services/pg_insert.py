"""Message rows into PostgreSQL in one short statement per page: each column that varies
travels as one array parameter (``unnest``), the others as one value.

A multi-row ``VALUES`` of 1,000 rows x ~35 columns is a 35,000-placeholder query that
psycopg's client-side binding splits and merges in Python on every call: measured 9.8 s of
a 16 s materialization of 20,000 messages. This statement's text stays the same from page
to page (psycopg caches its parsing) and its values go over as a few array literals."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, transaction


def insert_returning_ids(table: str, fields: Sequence, rows: Sequence[list]) -> list[tuple[int, int | None]]:
    """INSERT ``rows`` (values prepared for ``fields``, in that order) ON CONFLICT DO
    NOTHING; returns (id, contact_id) of each row inserted, in the rows' order."""
    if not rows:
        return []
    first = rows[0]
    q = connection.ops.quote_name
    selected, params, arrays, array_params = [], [], [], []
    for i, f in enumerate(fields):
        db_type = f.db_type(connection)
        if all(row[i] is first[i] for row in rows):  # the page's common value (one object, shared)
            selected.append(f"%s::{db_type}")
            params.append(first[i])
        else:
            name = f"c{i}"
            selected.append(f"v.{name}")
            arrays.append((name, f"%s::{db_type}[]"))
            array_params.append([row[i] for row in rows])
    columns = ", ".join(q(f.column) for f in fields)
    source = ", ".join(sql for _, sql in arrays)
    names = ", ".join(name for name, _ in arrays)
    sql = (
        f"INSERT INTO {table} ({columns}) SELECT {', '.join(selected)}"
        f" FROM unnest({source}) WITH ORDINALITY AS v({names}, ord) ORDER BY v.ord"
        " ON CONFLICT DO NOTHING RETURNING id, contact_id"
    )
    if not arrays:  # a single row (or identical rows): nothing to unnest
        sql = f"INSERT INTO {table} ({columns}) SELECT {', '.join(selected)} ON CONFLICT DO NOTHING RETURNING id, contact_id"
    with transaction.atomic(), connection.cursor() as cursor:
        if not arrays:
            inserted = []
            for _ in rows:
                cursor.execute(sql, params)
                inserted += cursor.fetchall()
            return inserted
        cursor.execute(sql, [*params, *array_params])
        return cursor.fetchall()
