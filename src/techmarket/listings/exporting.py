"""Writing sheets in the import format: the templates, exported listings, import reports and rejected rows.

The files themselves are written by :mod:`techmarket.core.spreadsheets` (UTF-8 CSV with a byte-order mark,
XLSX; a cell that would start a formula gets a leading apostrophe, which the importer removes again).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal

from flask_babel import gettext as _

from techmarket.core.clock import local_today
from techmarket.core.spreadsheets import csv_bytes, xlsx_bytes
from techmarket.listings.columns import COLUMNS, EXAMPLE, NEGOTIABLE, PROBLEM, VOCABULARIES, column_of, term_name
from techmarket.listings.constants import Kind
from techmarket.listings.importing import ImportReport
from techmarket.listings.models import Listing
from techmarket.listings.visibility import is_confidential

EXPORT_CAP = 10_000
VOCABULARY_TITLES = {"kind": ("类型", "Kind"), "field": ("所属领域", "Fields"), "mode": ("交易方式", "Modes"),
                     "maturity": ("成熟度", "Maturity"), "ip_type": ("知识产权类型", "IP type"),
                     "ip_status": ("知识产权状态", "IP status"), "confidentiality": ("保密要求", "Confidentiality")}


def headers() -> list[str]:
    return [col.header for col in COLUMNS]


# --- templates ------------------------------------------------------------------------------------------------


def example_row() -> list[str]:
    values = dict(EXAMPLE, valid_until=(local_today() + dt.timedelta(days=365)).isoformat())
    return [values.get(col.key, "") for col in COLUMNS]


def help_rows() -> list[list[str]]:
    rows = [["列 / Column", "必填 / Required", "说明", "Notes"]]
    for col in COLUMNS:
        scope = {Kind.ACHIEVEMENT: "（仅成果 / achievements only）", Kind.DEMAND: "（仅需求 / demands only）"}
        rows.append([col.header + (scope[col.kind] if col.kind else ""), "是 / Yes" if col.required else "",
                     col.note_zh, col.note_en])
    rows.append([])
    rows.append(["取值 / Allowed values", "代码 / Code", "中文", "English"])
    for vocab, (zh, en) in VOCABULARY_TITLES.items():
        for term in VOCABULARIES[vocab]:
            rows.append([f"{zh} / {en}", term.code, term.zh, term.en])
    rows.append([])
    rows.append(["分隔符 / Separators", "", "多个值以 、 , ; 分隔；知识产权各项以 ; 分隔，每项为 类型:号码:状态",
                 "Lists are separated by 、 , ; — IP items by ;, each as type:number:status"])
    rows.append(["金额 / Amounts", "", "元；可写 120万；面议 或留空表示面议",
                 "Yuan; 120万 means 1,200,000; 面议 or blank means negotiable"])
    return rows


def template(fmt: str) -> bytes:
    rows = [headers(), example_row()]
    if fmt == "csv":
        return csv_bytes(rows)
    return xlsx_bytes([("导入 Import", rows), ("说明 Help", help_rows())])


# --- listings ---------------------------------------------------------------------------------------------------


def _join(values: list[str], zh: bool) -> str:
    return ("、" if zh else ", ").join(values)


def cells_of(listing: Listing, *, zh: bool, contact: bool, details: bool) -> dict[str, str]:
    """A listing as cells of the format (column key -> text), in the reader's language.

    ``contact``: the contact details are shown; ``details``: a confidential demand's issuer and details are
    shown (else blank, as on its public page).
    """
    kind = Kind(listing.kind)
    out: dict[str, str] = {col.key: "" for col in COLUMNS}
    for col in COLUMNS:
        if col.kind is not None and col.kind != kind:
            continue
        value = getattr(listing, col.key, None)
        if col.value == "text":
            out[col.key] = str(value or "")
        elif col.value.startswith("list:"):
            out[col.key] = _join([term_name(col.value[5:], v, zh) for v in value or []], zh)
        elif col.value.startswith("choice:"):
            out[col.key] = term_name(col.value[7:], value, zh) if value else ""
        elif col.value == "keywords":
            out[col.key] = _join(list(value or []), zh)
        elif col.value in {"date", "int"}:
            out[col.key] = value.isoformat() if isinstance(value, dt.date) else str(value or "")
        elif col.value == "bool":
            out[col.key] = ("是" if value else "否") if zh else ("Yes" if value else "No")
    out["kind"] = term_name("kind", kind.value, zh)
    out["org_code"] = listing.organisation.credit_code or ""
    out["division_code"] = listing.division_code or ""
    if listing.negotiable:
        out["amount_min"] = NEGOTIABLE[0] if zh else "Negotiable"
    else:
        out["amount_min"] = _amount(listing.amount_min)
        out["amount_max"] = _amount(listing.amount_max)
    if kind == Kind.ACHIEVEMENT:
        out["ip_items"] = "; ".join(_ip_text(i.ip_type, i.number, i.status, i.title, zh) for i in listing.ip_items)
    if not contact:
        out["contact_name"] = out["contact_phone"] = out["contact_email"] = ""
    if not details and is_confidential(listing):
        out["org_code"] = out["description"] = out["technical_targets"] = ""
    return out


def _ip_text(ip_type: str, number: str, status: str, title: str, zh: bool) -> str:
    parts = [term_name("ip_type", ip_type, zh), number, term_name("ip_status", status, zh)]
    if title:
        parts.append(re.sub(r"[;；]", ",", title))
    return ":".join(parts)


def _amount(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def listing_rows(listings: Iterable[Listing], *, zh: bool, contact: bool, details: bool,
                 cap: int = EXPORT_CAP) -> Iterator[list[str]]:
    """The header, then one row per listing; at most ``cap`` rows, then a note row (starting with #) if more."""
    yield headers()
    for n, listing in enumerate(listings, start=1):
        if n > cap:
            yield [truncation_note(cap)]
            return
        cells = cells_of(listing, zh=zh, contact=contact, details=details)
        yield [cells[col.key] for col in COLUMNS]


def truncation_note(cap: int) -> str:
    return "# " + _("Only the first %(n)d rows were exported; narrow the filters to export the rest.", n=cap)


# --- import reports ---------------------------------------------------------------------------------------------


def outcome_label(outcome: str) -> str:
    return {"failed": _("Failed"), "unchanged": _("Unchanged"), "skipped": _("Skipped")}.get(outcome, outcome)


def report_rows(report: ImportReport) -> list[list[object]]:
    rows: list[list[object]] = [[_("Row"), _("Column"), _("Outcome"), _("Problem")]]
    rows += [[line.row, line.column, outcome_label(line.outcome), line.message] for line in report.lines]
    return rows


def summary_rows(report: ImportReport) -> list[list[object]]:
    return [[_("Rows"), report.total], [_("Created"), report.created], [_("Unchanged"), report.unchanged],
            [_("Failed"), report.failed]]


def report_file(report: ImportReport, fmt: str) -> bytes:
    if fmt == "csv":
        return csv_bytes(report_rows(report))
    return xlsx_bytes([(_("Report"), report_rows(report)), (_("Summary"), [["", ""], *summary_rows(report)])])


def bad_rows_file(report: ImportReport, fmt: str) -> bytes:
    """The rejected rows in the import format (their original values) plus a problem column, to fix and re-import."""
    keep = [i for i, h in enumerate(report.headers) if column_of(h) != PROBLEM.key]
    rows: list[list[object]] = [[*(report.headers[i] for i in keep), PROBLEM.header]]
    rows += [[*(cells[i] for i in keep), problem] for _n, cells, problem in report.bad_rows]
    if fmt == "csv":
        return csv_bytes(rows)
    return xlsx_bytes([("导入 Import", rows)])
