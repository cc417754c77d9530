"""The one helper every CSV/XLSX writer uses against formula injection."""

from __future__ import annotations

import csv
import io

import pytest

from campaigns.spreadsheets import SafeCsvWriter, append_safe_row, safe_cell


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://evil.test","x")', '\'=HYPERLINK("http://evil.test","x")'),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("+923001234567", "+923001234567"),  # an E.164 number is only itself
        ("-1.5", "-1.5"),
        ("plain text", "plain text"),
        ("a=b", "a=b"),
        ("", ""),
        (42, 42),
        (None, None),
    ],
)
def test_safe_cell(value, written):
    assert safe_cell(value) == written


def test_csv_writer_escapes_every_cell():
    buffer = io.StringIO()
    SafeCsvWriter(buffer).writerows([["=1+1", "ok"], ["x", "@x"]])
    assert list(csv.reader(io.StringIO(buffer.getvalue()))) == [["'=1+1", "ok"], ["x", "'@x"]]


def test_xlsx_rows_are_escaped():
    from openpyxl import Workbook

    sheet = Workbook().active
    append_safe_row(sheet, ["=1+1", "+923001234567", 3])
    assert [c.value for c in sheet[1]] == ["'=1+1", "+923001234567", 3]
    assert sheet["A1"].data_type == "s"
