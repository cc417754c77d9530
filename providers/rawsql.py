"""Plain INSERT statements for the hot writes that skip the ORM's per-value preparation
(the webhook intake, the provider call log)."""

from __future__ import annotations

from django.db import connection
from django.db.models import Model


def insert_sql(model: type[Model], names: tuple[str, ...]) -> str:
    """``INSERT INTO <table> (<columns of names>) VALUES (%s, ...)`` for the current database."""
    meta = model._meta
    columns = ", ".join(connection.ops.quote_name(meta.get_field(name).column) for name in names)
    return f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(names))})"
