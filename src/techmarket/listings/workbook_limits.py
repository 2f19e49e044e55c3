"""Refuse workbook bombs before parsing: an .xlsx is a zip archive whose parts can unpack to hundreds of
megabytes (or millions of cells) from a few hundred kilobytes.

Checked on the archive as it is, without parsing any XML: the total unpacked size the archive declares (a
part that unpacks to more than it declares fails its CRC check in :mod:`zipfile`, so the declared sizes are
an upper bound), the number of parts, each worksheet's declared dimension, and, by streaming each worksheet
and the shared-strings table, their rows, cells and strings. Only a workbook within every limit reaches
openpyxl (which then reads it in read-only, streaming mode).
"""

from __future__ import annotations

import io
import re
import zipfile

from flask_babel import lazy_gettext as _l

from techmarket.core.errors import ValidationFailed

MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_PARTS = 2_000
MAX_SHEET_ROWS = 21_000  # the import takes 20,000 rows; headers, notes and blank rows come on top
MAX_CELLS = 2_000_000  # per worksheet, and strings in the shared-strings table
_CHUNK = 1024 * 1024
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]{1,3}\d+:([A-Z]{1,3})(\d+)\"")
_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")
_CELL = re.compile(rb"<(?:\w+:)?c[\s>/]")
_STRING = re.compile(rb"<(?:\w+:)?si[\s>/]")


class WorkbookRefused(ValidationFailed):
    """The workbook is beyond a limit; the message says which and what to do."""


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _too_big(what: str, found: int, limit: int) -> WorkbookRefused:
    return WorkbookRefused(_l("The workbook is too large to import (%(what)s: %(found)s; at most %(limit)s). "
                              "Split the file, or save the sheet as CSV.", what=what,
                              found=f"{found:,}", limit=f"{limit:,}"))


def _count(zf: zipfile.ZipFile, name: str, patterns: list[re.Pattern[bytes]]) -> list[int]:
    """Occurrences of each pattern in a part, reading it in chunks (never the whole part in memory)."""
    counts = [0] * len(patterns)
    tail = b""
    with zf.open(name) as part:
        while True:
            chunk = part.read(_CHUNK)
            buf = tail + chunk
            cut = buf.rfind(b"<") if chunk else len(buf)
            cut = len(buf) if cut <= 0 else cut
            for i, pattern in enumerate(patterns):
                counts[i] += len(pattern.findall(buf, 0, cut))
            tail = buf[cut:]
            if not chunk:
                return counts


def check_workbook(content: bytes) -> None:
    """Raise WorkbookRefused when the .xlsx ``content`` is beyond a limit (see the module's docstring)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_PARTS:
                raise _too_big(str(_l("parts of the archive")), len(infos), MAX_PARTS)
            unpacked = sum(i.file_size for i in infos)
            if unpacked > MAX_UNPACKED_BYTES:
                raise _too_big(str(_l("MB unpacked")), unpacked // (1024 * 1024), MAX_UNPACKED_BYTES // (1024 * 1024))
            sheets = [i.filename for i in infos
                      if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml")]
            for name in sheets:
                with zf.open(name) as part:
                    head = part.read(4096)
                found = _DIMENSION.search(head)
                if found:
                    if int(found.group(2)) > MAX_SHEET_ROWS:
                        raise _too_big(str(_l("rows in a sheet")), int(found.group(2)), MAX_SHEET_ROWS)
                    if int(found.group(2)) * _column_number(found.group(1)) > MAX_CELLS:
                        raise _too_big(str(_l("cells in a sheet")),
                                       int(found.group(2)) * _column_number(found.group(1)), MAX_CELLS)
                rows, cells = _count(zf, name, [_ROW, _CELL])
                if rows > MAX_SHEET_ROWS:
                    raise _too_big(str(_l("rows in a sheet")), rows, MAX_SHEET_ROWS)
                if cells > MAX_CELLS:
                    raise _too_big(str(_l("cells in a sheet")), cells, MAX_CELLS)
            if "xl/sharedStrings.xml" in zf.namelist():
                (strings,) = _count(zf, "xl/sharedStrings.xml", [_STRING])
                if strings > MAX_CELLS:
                    raise _too_big(str(_l("shared texts")), strings, MAX_CELLS)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        raise WorkbookRefused(_l("The workbook cannot be read: %(error)s", error=str(exc)[:200])) from exc
