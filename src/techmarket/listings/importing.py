"""Bulk import of listings from CSV or XLSX: read the sheet, validate every row, create the good ones.

Rows are saved in batches, each one write transaction, through the bulk path of :mod:`techmarket.listings.bulk`
(one INSERT per table and one audit entry per row); a row that fails half-way leaves nothing behind (the batch
is redone with a savepoint per row). The sheet is read by :mod:`techmarket.listings.import_sheet`. Rows of a
verified organisation go to the review queue (``submitted``); rows of any other organisation stay drafts.
Re-importing the same file creates nothing new: each row has an import key (organisation + external ID, or
organisation + kind + normalised title) kept on the listing, and a row whose key exists is "unchanged".

The service flushes and never commits: ``progress(done, total)`` is called after every batch of rows and at
the end, and the caller (the background job, the CLI) commits there, with the run's counts: an interrupted
run resumes after the last committed batch.
"""

from __future__ import annotations

import hashlib
import logging
import time
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from techmarket.core import audit
from techmarket.core.actor import Actor
from techmarket.core.db import begin_write
from techmarket.core.errors import DomainError
from techmarket.core.i18n import is_chinese
from techmarket.listings import bulk
from techmarket.listings.columns import BY_KEY, PROBLEM, ParsedRow, parse_row
from techmarket.listings.data import validate
from techmarket.listings.import_sheet import (  # noqa: F401 - the import's public names, used by its callers
    FORMATS,
    MAX_COLUMNS,
    MAX_IMPORT_BYTES,
    MAX_ROWS,
    ImportFileError,
    Sheet,
    check_xlsx,
    decode_csv,
    file_format,
    read_sheet,
)
from techmarket.listings.models import Listing
from techmarket.orgs.models import Division, Organisation

log = logging.getLogger(__name__)

BATCH = 200
BATCH_SECONDS = 1.0  # a batch also ends after this long, so it never holds SQLite's write lock for long

Progress = Callable[[int, int], None]


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
        self.batch: list[bulk.NewListing] = []
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
        self.batch = []

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
        """Import one row. ``safe``: in a savepoint of its own, a failure recorded on the row. Otherwise the row
        joins the batch that :meth:`save_batch` creates in one go; a failure there propagates and the caller
        redoes the whole batch safely (see :func:`import_rows`)."""
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
        item = bulk.NewListing(org=org, kind=parsed.kind, data=parsed.data, import_key=key)
        if not safe:
            self.batch.append(item)
            self.known_keys(org.id).add(key)
            self.report.created += 1
            return
        entries = self.audit_entries
        mark = len(entries)
        try:
            with self.session.begin_nested():
                (listing_id,) = save_listings(self.session, self.actor, [item])
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
        self.report.created_ids.append(listing_id)

    def save_batch(self) -> None:
        """Create the batch's rows (of the fast path) in one go."""
        if self.batch:
            self.report.created_ids.extend(save_listings(self.session, self.actor, self.batch))
            self.batch = []


def save_listings(session: Session, actor: Actor, items: list[bulk.NewListing]) -> list[int]:
    """The import's listings: drafts, and in the review queue (``submitted``) for verified organisations, with
    one audit entry each (action ``import``)."""
    return bulk.create_many(session, actor, items, submit=True, via="import")


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
    with audit.deferred(session) as importer.audit_entries:  # one audit append per batch
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
                    importer.save_batch()
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
