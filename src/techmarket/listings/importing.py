"""Bulk import of listings from CSV or XLSX: read the sheet, validate every row, create the good ones.

Each good row is created in its own savepoint, so a row that fails half-way leaves nothing behind. Rows of a
verified organisation go to the review queue (``submitted``); rows of any other organisation stay drafts.
Re-importing the same file creates nothing new: each row has an import key (organisation + external ID, or
organisation + kind + normalised title) kept on the listing, and a row whose key exists is "unchanged".

The service flushes and never commits: ``progress(done, total)`` is called after every batch of rows and at
the end, and the caller (the background job, the CLI) commits there, with the run's counts: an interrupted
run resumes after the last committed batch.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import logging
import time
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from techmarket.core import audit
from techmarket.core.actor import Actor
from techmarket.core.clock import utcnow
from techmarket.core.db import begin_write
from techmarket.core.errors import DomainError, ValidationFailed
from techmarket.core.i18n import is_chinese
from techmarket.listings import services, workflow
from techmarket.listings.columns import BY_KEY, EXAMPLE, PROBLEM, ParsedRow, column_of, parse_row
from techmarket.listings.constants import Status
from techmarket.listings.data import validate
from techmarket.listings.models import Listing
from techmarket.listings.workbook_limits import WorkbookRefused, check_workbook
from techmarket.orgs.models import Division, Organisation

log = logging.getLogger(__name__)

MAX_IMPORT_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 60
BATCH = 200
BATCH_SECONDS = 1.0  # a batch also ends after this long, so it never holds SQLite's write lock for long
FORMATS = ("csv", "xlsx")
_FORMULA_GUARD = ("'=", "'+", "'-", "'@")

Progress = Callable[[int, int], None]


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
    return text[1:] if text.startswith(_FORMULA_GUARD) else text


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


# --- the report ---------------------------------------------------------------------------------------------


@dataclass
class ReportLine:
    row: int
    column: str  # the column's header as in the file; "" for the whole row
    outcome: str  # failed | unchanged | skipped
    message: str


@dataclass
class ImportReport:
    fmt: str
    headers: list[str]
    total: int = 0
    created: int = 0
    unchanged: int = 0
    failed: int = 0
    lines: list[ReportLine] = field(default_factory=list)
    bad_rows: list[tuple[int, list[str], str]] = field(default_factory=list)  # row, original cells, problems
    created_ids: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.failed == 0

    def counts(self) -> dict[str, int]:
        return {"total": self.total, "created": self.created, "unchanged": self.unchanged, "failed": self.failed}

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> ImportReport:
        d = dict(d)
        d["lines"] = [ReportLine(**line) for line in d.get("lines", [])]
        d["bad_rows"] = [(int(r), list(cells), str(p)) for r, cells, p in d.get("bad_rows", [])]
        return cls(**d)


# --- the import ---------------------------------------------------------------------------------------------


def import_key(org_id: int, kind: str, external_id: str, title: str) -> str:
    if external_id.strip():
        basis = f"ext\x1f{external_id.strip()}"
    else:
        normal = " ".join(unicodedata.normalize("NFKC", title).casefold().split())
        basis = f"title\x1f{kind}\x1f{normal}"
    return hashlib.sha256(f"{org_id}\x1f{basis}".encode()).hexdigest()


class _Importer:
    def __init__(self, session: Session, actor: Actor, sheet: Sheet, default_org_code: str) -> None:
        self.session, self.actor, self.sheet = session, actor, sheet
        self.default_org_code = default_org_code
        self.zh = is_chinese()
        self.report = ImportReport(sheet.fmt, list(sheet.headers), total=len(sheet.rows))
        self.orgs: dict[str, Organisation | None] = {}
        self.divisions: dict[str, str | None] = {}
        self.known: dict[int, set[str]] = {}
        self.seen: dict[str, int] = {}
        self.audit_entries: list[dict[str, Any]] = []
        self.header_of = {k: h for h, k in reversed(list(zip(sheet.headers, sheet.keys, strict=True))) if k}

    def state(self) -> tuple[Any, ...]:
        """What a batch changes in the importer, to put back when the batch is rolled back."""
        r = self.report
        return (r.created, r.unchanged, r.failed, len(r.lines), len(r.bad_rows), len(r.created_ids),
                dict(self.seen), {k: set(v) for k, v in self.known.items()})

    def restore(self, state: tuple[Any, ...]) -> None:
        r = self.report
        r.created, r.unchanged, r.failed, lines, bad, created, self.seen, self.known = state
        del r.lines[lines:], r.bad_rows[bad:], r.created_ids[created:], self.audit_entries[:]

    def column_name(self, key: str) -> str:
        if key in self.header_of:
            return self.header_of[key]
        col = BY_KEY.get(key)
        return col.label(self.zh) if col else ""

    def org(self, code: str) -> Organisation | None:
        if code not in self.orgs:
            self.orgs[code] = self.session.scalar(select(Organisation).where(Organisation.credit_code == code))
        return self.orgs[code]

    def division(self, text: str) -> str | None:
        if text not in self.divisions:
            clause = Division.code == text if text.isdigit() else Division.name == text
            codes = list(self.session.scalars(select(Division.code).where(clause).limit(2)))
            self.divisions[text] = codes[0] if len(codes) == 1 else None
        return self.divisions[text]

    def known_keys(self, org_id: int) -> set[str]:
        if org_id not in self.known:
            self.known[org_id] = set(self.session.scalars(select(Listing.import_key).where(
                Listing.organisation_id == org_id, Listing.import_key.is_not(None))))
        return self.known[org_id]

    def check(self, parsed: ParsedRow) -> tuple[Organisation | None, dict[str, Any]]:
        errors = dict(parsed.errors)
        org = None
        if "org_code" not in errors:
            org = self.org(parsed.org_code)
            if org is None:
                errors["org_code"] = _l("No organisation with the credit code %(code)s is registered.",
                                        code=parsed.org_code)
        if parsed.division:
            code = self.division(parsed.division)
            if code is None:
                errors["division_code"] = _l("Unknown region “%(value)s”: give the division code, e.g. "
                                             "150207, or its exact name.", value=parsed.division)
            parsed.data.division_code = code or ""
        if parsed.kind is not None:
            for name, message in validate(self.session, parsed.kind, parsed.data, is_import=True).items():
                key = name.split("-", 1)[0] if name.startswith("ip_items") else name
                key = key if key in BY_KEY else ""
                if key in parsed.errors:
                    continue
                errors[key] = f"{errors[key]} {message}" if key in errors else message
        return org, errors

    def fail(self, n: int, cells: list[str], problems: dict[str, Any]) -> None:
        self.report.failed += 1
        texts = []
        for key, message in problems.items():
            column = self.column_name(key)
            self.report.lines.append(ReportLine(n, column, "failed", str(message)))
            texts.append(f"{column}: {message}" if column else str(message))
        self.report.bad_rows.append((n, cells, "; ".join(texts)))

    def unchanged(self, n: int, message: Any) -> None:
        self.report.unchanged += 1
        self.report.lines.append(ReportLine(n, "", "unchanged", str(message)))

    def row(self, n: int, cells: list[str], safe: bool = True) -> None:
        """Import one row. ``safe``: in a savepoint of its own, a failure recorded on the row. Otherwise a
        failure propagates and the caller redoes the whole batch safely (see :func:`import_rows`)."""
        values = {k: v for k, v in zip(self.sheet.keys, cells, strict=True) if k and k != PROBLEM.key}
        parsed = parse_row(values, self.default_org_code, self.zh)
        org, errors = self.check(parsed)
        if errors or org is None or parsed.kind is None:
            self.fail(n, cells, errors or {"": _l("The row cannot be read.")})
            return
        key = import_key(org.id, parsed.kind.value, parsed.external_id, parsed.data.title)
        if key in self.seen:
            self.unchanged(n, _l("Unchanged: the same listing as row %(row)d of this file.", row=self.seen[key]))
            return
        self.seen[key] = n
        if key in self.known_keys(org.id):
            self.unchanged(n, _l("Unchanged (already imported)."))
            return
        if not safe:
            listing = services.create(self.session, self.actor, org, parsed.kind, parsed.data, import_key=key)
            if org.is_verified:
                _submit(self.session, self.actor, listing)
            self.known_keys(org.id).add(key)
            self.report.created += 1
            self.report.created_ids.append(listing.id)
            return
        entries = self.audit_entries
        mark = len(entries)
        try:
            with self.session.begin_nested():
                listing = services.create(self.session, self.actor, org, parsed.kind, parsed.data, import_key=key)
                if org.is_verified:
                    _submit(self.session, self.actor, listing)
        except DomainError as exc:
            del entries[mark:]  # the row's audit entries go with its savepoint
            detail = {k if k in BY_KEY else "": v for k, v in exc.field_errors.items()} or {"": exc.message}
            self.fail(n, cells, detail)
            return
        except IntegrityError:
            del entries[mark:]
            self.unchanged(n, _l("Unchanged: imported at the same time by another import."))
            return
        except SQLAlchemyError:
            del entries[mark:]
            log.exception("import row %d could not be saved", n)
            self.fail(n, cells, {"": _l("The row could not be saved (database error); nothing of it was kept.")})
            return
        self.known_keys(org.id).add(key)
        self.report.created += 1
        self.report.created_ids.append(listing.id)


def _submit(session: Session, actor: Actor, listing: Listing) -> None:
    """Put an imported listing of a verified organisation into the operator's review queue."""
    if not workflow.can("submit", Status(listing.status)):
        return
    before = services.snapshot(listing)
    listing.status = Status.SUBMITTED.value
    listing.submitted_at = utcnow()  # flushed when the row's savepoint is released
    audit.record(session, actor, "listing", listing.id, "submit", before,
                 services.snapshot(listing) | {"via": "import"})


def import_rows(session: Session, actor: Actor, rows: Sheet, default_org_code: str = "",
                progress: Progress | None = None, *, start: int = 0,
                report: ImportReport | None = None) -> ImportReport:
    """Import the sheet's rows for ``actor`` (an operator); see the module's docstring.

    ``start`` skips the rows saved by an earlier, interrupted run, whose report (its counts and lines so far)
    is continued when given as ``report``. Each batch of rows is one write transaction (on SQLite it takes the
    write lock first, so other writers wait for it instead of failing it); ``progress`` commits it.
    """
    importer = _Importer(session, actor, rows, "".join(default_org_code.split()).upper())
    if report is not None:
        importer.report = report
    if start == 0:
        for header in rows.ignored_headers:
            importer.report.lines.append(ReportLine(1, header, "skipped", str(_l("Unknown column, ignored."))))
        for n in rows.example_rows:
            importer.report.lines.append(ReportLine(n, "", "skipped",
                                                    str(_l("The template's example row, skipped."))))
    importer.report.total = total = len(rows.rows)
    # With a caller that commits each batch, a batch first runs without a savepoint per row; if a row fails
    # half-way the batch is rolled back and redone with one savepoint per row, so a bad row still leaves
    # nothing behind. Without one (the caller commits once at the end) every row has its savepoint.
    fast = progress is not None
    i = start
    with audit.deferred(session) as importer.audit_entries:  # one audit append per batch, not two per row
        while i < total:
            begin_write(session)
            state = importer.state()
            began, j = time.monotonic(), i
            try:
                while j < total:
                    importer.row(*rows.rows[j], safe=not fast)
                    j += 1
                    if j - i >= BATCH or time.monotonic() - began >= BATCH_SECONDS:
                        break
                if fast:
                    session.flush()
            except (DomainError, SQLAlchemyError):
                if not fast:
                    raise
                session.rollback()
                importer.restore(state)
                begin_write(session)
                j = min(j + 1, total)
                for n, cells in rows.rows[i:j]:
                    importer.row(n, cells)
            i = j
            audit.write_deferred(session)
            if progress is not None and i < total:
                progress(i, total)  # the caller commits: other writers get a turn at least every BATCH_SECONDS
    if progress is not None:
        progress(total, total)
    return importer.report
