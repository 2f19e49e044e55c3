"""The one CSV/XLSX writer: formula triggers are quoted, numbers stay numbers, the importer reads it back."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from techmarket.core import spreadsheets

TRIGGERS = ["=1+1", "+86 471 1234567", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("text", TRIGGERS)
def test_every_formula_trigger_is_quoted_in_csv_and_xlsx_and_read_back(text: str) -> None:
    record = next(csv.reader(io.StringIO(spreadsheets.csv_line([text, "plain"]))))
    assert record == ["'" + text, "plain"]
    data = spreadsheets.xlsx_bytes([("s", [["h1", "h2"], [text, "plain"]])])
    cell = openpyxl.load_workbook(io.BytesIO(data)).active["A2"]
    read = cell.value.replace("\n", "\r")  # XML keeps a carriage return as a line feed
    assert cell.data_type == "s" and read == "'" + text
    assert spreadsheets.unneutralise(read) == text


def test_numbers_stay_numbers_and_text_that_looks_like_a_number_is_text() -> None:
    row = [Decimal("-1234.50"), -7, 2.5, dt.date(2026, 12, 3), "-5", True]
    assert next(csv.reader(io.StringIO(spreadsheets.csv_line(row)))) == [
        "-1234.50", "-7", "2.5", "2026-12-03", "'-5", "True"]
    sheet = openpyxl.load_workbook(io.BytesIO(spreadsheets.xlsx_bytes([("s", [["h"] * 6, row])]))).active
    values = [c.value for c in sheet[2]]
    assert values[:3] == [-1234.5, -7, 2.5] and [c.data_type for c in sheet[2]][:3] == ["n", "n", "n"]
    assert values[4:] == ["'-5", "True"]


def test_characters_xml_forbids_are_dropped_and_text_apostrophes_kept() -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(spreadsheets.xlsx_bytes([("s", [["a\x01b", "'ok"]])]))).active
    assert [c.value for c in sheet[1]] == ["ab", "'ok"]
    assert spreadsheets.unneutralise("'ok") == "'ok"  # only an apostrophe we added is removed
