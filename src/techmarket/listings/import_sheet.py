"""Reading an uploaded listings sheet (CSV or XLSX) into rows: the file's real type, its encoding, the header
row mapped to the template's columns, notes and the template's example row skipped. Workbooks are checked
against :mod:`techmarket.listings.workbook_limits` before openpyxl reads them (read-only, streaming)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook

from techmarket.core.errors import ValidationFailed
from techmarket.core.spreadsheets import unneutralise
from techmarket.listings.columns import BY_KEY, EXAMPLE, PROBLEM, column_of
from techmarket.listings.workbook_limits import WorkbookRefused, check_workbook

MAX_IMPORT_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 60
FORMATS = ("csv", "xlsx")


class ImportFileError(ValidationFailed):
    """The file cannot be read as a listings sheet (wrong type, encoding, no header row)."""


@dataclass
class Sheet:
    """A sheet as read: the header texts, their column keys, and the data rows with their row numbers."""

    fmt: str
    headers: list[str]
    keys: list[str | None]
    rows: list[tuple[int, list[str]]]
    ignored_headers: list[str] = field(default_factory=list)
    example_rows: list[int] = field(default_factory=list)


def file_format(filename: str, content: bytes) -> str:
    """``csv`` or ``xlsx`` by the file's real type (the name must agree), else ImportFileError."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    is_zip = content[:4] == b"PK\x03\x04" and zipfile.is_zipfile(io.BytesIO(content))
    if ext == "xlsx":
        if is_zip:
            with zipfile.ZipFile(io.BytesIO(content)) as zf:
                if any(name.startswith("xl/") for name in zf.namelist()):
                    return "xlsx"
        raise ImportFileError(_l("This is not a real Excel workbook (.xlsx): the file's content is of another "
                                 "type. Save it from Excel or WPS as .xlsx, or as CSV."))
    if ext in {"csv", "txt"}:
        if is_zip or b"\x00" in content[:65536]:
            raise ImportFileError(_l("This is not a CSV text file: the file's content is binary."))
        return "csv"
    if ext == "xls":
        raise ImportFileError(_l("The old Excel format (.xls) is not read: save the file as .xlsx or CSV."))
    raise ImportFileError(_l("Upload a .csv or .xlsx file."))


def decode_csv(content: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_l("The CSV file is neither UTF-8 nor GB18030 (GBK) text. Save it as "
                             "“CSV UTF-8” and try again."))


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    text = str(value)
    return unneutralise(text)


def check_xlsx(content: bytes) -> None:
    """ImportFileError for a workbook bomb (too large unpacked, too many rows, cells or texts)."""
    try:
        check_workbook(content)
    except WorkbookRefused as exc:
        raise ImportFileError(exc.message) from exc


def _raw_rows(fmt: str, content: bytes) -> list[tuple[int, list[str]]]:
    if fmt == "csv":
        text = decode_csv(content)
        first = text.split("\n", 1)[0]
        delimiter = max((",", "\t", ";"), key=first.count)
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            return [(n, [_cell_text(v) for v in row[:MAX_COLUMNS]]) for n, row in enumerate(reader, start=1)
                    if n <= MAX_ROWS + 50]
        except csv.Error as exc:
            raise ImportFileError(_l("The CSV file is malformed: %(error)s", error=str(exc))) from exc
    check_xlsx(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            rows = []
            for n, values in enumerate(sheet.iter_rows(min_row=1, max_col=MAX_COLUMNS, values_only=True), 1):
                if n > MAX_ROWS + 50:
                    break
                rows.append((n, [_cell_text(v) for v in values]))
            return rows
        finally:
            workbook.close()
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, IndexError) as exc:
        raise ImportFileError(_l("The workbook cannot be read: %(error)s", error=str(exc)[:200])) from exc


def read_sheet(filename: str, content: bytes) -> Sheet:
    """Read an uploaded file into a Sheet; ImportFileError says why a file cannot be read."""
    fmt = file_format(filename, content)
    raw = [(n, cells) for n, cells in _raw_rows(fmt, content) if any(c.strip() for c in cells)]
    if not raw:
        raise ImportFileError(_l("The file is empty."))
    header_row, headers = raw[0]
    headers = [h.strip().lstrip("\ufeff") for h in headers]
    while headers and not headers[-1]:
        headers.pop()
    keys = [column_of(h) for h in headers]
    if "title" not in keys:
        raise ImportFileError(_l("Row %(row)d is not a header row of the template: the title column (标题 / "
                                 "Title) is missing.", row=header_row))
    twice = sorted({BY_KEY[k].header for k in keys if k and k != PROBLEM.key and keys.count(k) > 1})
    if twice:
        raise ImportFileError(_l("These columns appear twice: %(columns)s.", columns=", ".join(twice)))
    sheet = Sheet(fmt, headers, keys, [], ignored_headers=[h for h, k in zip(headers, keys, strict=True)
                                                            if h and k is None])
    for n, cells in raw[1:]:
        cells = (cells + [""] * len(headers))[:len(headers)]
        if next((c.strip() for c in cells if c.strip()), "").startswith("#"):
            continue  # a note, such as the export's "only the first 10,000 rows"
        row = dict(zip(keys, cells, strict=True))
        if row.get("title", "").strip() == EXAMPLE["title"] and row.get("summary", "").strip() == EXAMPLE["summary"]:
            sheet.example_rows.append(n)
            continue
        sheet.rows.append((n, cells))
    if len(sheet.rows) > MAX_ROWS:
        raise ImportFileError(_l("At most %(n)d rows per file; split the file.", n=MAX_ROWS))
    return sheet
