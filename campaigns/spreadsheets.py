"""Every CSV/XLSX the portal writes goes through here, so no cell can run as a formula when
the file is opened in a spreadsheet (CSV/formula injection).

A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
``'`` (spreadsheets then show it as text). A plain signed number such as an E.164 phone number
(``+923001234567``) or ``-1.5`` is left alone: it evaluates to nothing but itself."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?\Z")


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet cannot take it for a formula; non-text values pass as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in row]


class SafeCsvWriter:
    """``csv.writer`` with every cell passed through :func:`safe_cell`."""

    def __init__(self, fileobj: Any, **options: Any) -> None:
        self._writer = csv.writer(fileobj, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def append_safe_row(worksheet: Any, row: Iterable[Any]) -> None:
    """For openpyxl worksheets: ``worksheet.append`` with every cell made safe."""
    worksheet.append(safe_row(row))
