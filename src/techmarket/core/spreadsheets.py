"""The one writer of every CSV and XLSX file the site produces, with formula neutralisation.

A spreadsheet program runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula (and a leading
tab or carriage return is read past to reach one), so a title such as ``=HYPERLINK("http://…"&B3,"…")``
written by one organisation would run in another organisation's download. Every text cell that starts with
one of those characters is written with a leading apostrophe, in CSV and in XLSX alike (the OWASP rule; the
spreadsheet shows the text, never runs it, and the listing importer removes the apostrophe again with
:func:`unneutralise`). Real numbers (``int``, ``float``, ``Decimal``) stay numbers: a negative amount is a
number, not a formula. Characters XML forbids are dropped.

CSV is UTF-8 with a byte-order mark so Excel reads the Chinese; XLSX is written by openpyxl in write-only mode.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

BOM = "\ufeff"
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: A cell starting with one of these is a formula (or leads to one) in Excel, LibreOffice or Google Sheets.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"

Number = int | float | Decimal
Cell = str | Number | dt.date


def neutralise_text(value: object) -> str:
    """Text safe in any cell: forbidden XML characters dropped, a leading formula trigger quoted."""
    text = ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value))
    return QUOTE + text if text.startswith(FORMULA_TRIGGERS) else text


def unneutralise(text: str) -> str:
    """The text as written before :func:`neutralise_text` quoted it (for reading our own files back)."""
    return text[1:] if text.startswith(QUOTE) and text[1:].startswith(FORMULA_TRIGGERS) else text


def cell_value(value: object) -> Cell:
    """Numbers and dates as they are; anything else as neutralised text."""
    if isinstance(value, bool):
        return neutralise_text(value)
    if isinstance(value, int | float | Decimal | dt.date):
        return value
    return neutralise_text(value)


# --- CSV ----------------------------------------------------------------------------------------------------------


def csv_line(cells: Iterable[object]) -> str:
    """One CSV record (CRLF-terminated) of neutralised cells; no byte-order mark."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerow([_csv_text(c) for c in cells])
    return buf.getvalue()


def _csv_text(value: object) -> str:
    out = cell_value(value)
    if isinstance(out, Decimal):
        return f"{out:f}"
    return out.isoformat() if isinstance(out, dt.date) else str(out)


def csv_bytes(rows: Iterable[Iterable[object]]) -> bytes:
    """A whole CSV file: byte-order mark, then one record per row."""
    return (BOM + "".join(csv_line(r) for r in rows)).encode("utf-8")


# --- XLSX ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowStyle:
    bold: bool = False
    size: float | None = None
    fill: str | None = None  # RGB hex, e.g. "E8EEF6"
    wrap: bool = False
    number_format: str | None = None  # for the row's Decimal cells


HEADER = RowStyle(bold=True)


class Sheet:
    """A sheet being written row by row (write-only: rows cannot be revisited)."""

    def __init__(self, ws: Any) -> None:
        self._ws = ws

    def append(self, values: Iterable[object], style: RowStyle | None = None) -> None:
        self._ws.append([self._cell(v, style) for v in values])

    def _cell(self, value: object, style: RowStyle | None) -> WriteOnlyCell:
        out = cell_value(value)
        cell = WriteOnlyCell(self._ws, value=out)
        if isinstance(out, str):
            cell.data_type = "s"  # never a formula, whatever the text
        if style is None:
            return cell
        if style.bold or style.size:
            cell.font = Font(bold=style.bold, size=style.size)
        if style.fill:
            cell.fill = PatternFill("solid", fgColor=style.fill)
        if style.wrap:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        if style.number_format and isinstance(out, Decimal):
            cell.number_format = style.number_format
        return cell


class Book:
    """An XLSX workbook: add sheets, append rows, then :meth:`to_bytes`."""

    def __init__(self) -> None:
        self._wb = Workbook(write_only=True)

    def sheet(self, title: str, widths: Sequence[float] = ()) -> Sheet:
        """A new sheet (title cut to Excel's 31 characters) with these column widths from column A."""
        ws = self._wb.create_sheet(title[:31])
        for index, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        return Sheet(ws)

    def to_bytes(self) -> bytes:
        buf = io.BytesIO()
        self._wb.save(buf)
        return buf.getvalue()


def xlsx_bytes(sheets: Iterable[tuple[str, Iterable[Iterable[object]]]]) -> bytes:
    """A workbook of (title, rows) sheets; the first row of each sheet is a bold header."""
    book = Book()
    for title, rows in sheets:
        sheet = book.sheet(title)
        for i, row in enumerate(rows):
            sheet.append(row, HEADER if i == 0 else None)
    return book.to_bytes()
