"""``phone__e164=True``: the value is an E.164 number (``+``, a non-zero digit, 7 to 15
digits in all), checked in the database.

SQLite has no regular expressions of its own: Django's ``__regex`` calls back into Python
for every row (0.33 s of a 100k-recipient launch check, as much again in materialization),
so there the same rule is spelled with GLOB and length(), which run in C."""

from __future__ import annotations

from django.db.models import CharField, Lookup

E164_REGEX = r"^\+[1-9][0-9]{6,14}$"


@CharField.register_lookup
class IsE164(Lookup):
    lookup_name = "e164"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        if self.rhs is not True:
            raise ValueError("phone__e164 only takes True; exclude() for the others")
        if connection.vendor == "sqlite":
            sql = f"({lhs} GLOB '+[1-9]*' AND length({lhs}) BETWEEN 8 AND 16 AND substr({lhs}, 2) NOT GLOB '*[^0-9]*')"
            return sql, [*params, *params, *params]
        regex_sql, regex_param = connection.ops.lookup_cast("regex") % lhs, E164_REGEX
        operator = connection.operators["regex"] % "%s"
        return f"{regex_sql} {operator}", [*params, regex_param]
