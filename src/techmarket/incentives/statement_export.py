"""A saved statement as PDF (fpdf2, with a CJK font of the server) and XLSX (openpyxl).

Both carry the same sections built by :func:`sections`: the figures, the clause citations, the rule-set
versions and the note that technology income is estimated from the registered technical transaction amount.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from fpdf.fonts import FontFace

from techmarket.contracts import constants as cat
from techmarket.core import spreadsheets as sheets
from techmarket.core.clock import to_local
from techmarket.core.pdf_fonts import SYSTEM_FONTS, FontMissing, cjk_document, pdf_font
from techmarket.incentives.models import Statement
from techmarket.rulesets.display import as_decimal

TAX_FIGURES = ("total_gain", "exempt", "halved", "tax_on_gain", "taxable_income_reduction", "tax_saved")
ESTIMATE_NOTE = _l("Technology income is estimated from the technical transaction amount registered on the platform "
                   "(技术交易额); the organisation supplies cost, taxes and expenses (POLICY §2.1).")
FLAG_ACTIONS = {"amend": _l("amended"), "rescind": _l("rescinded")}
__all__ = ["SYSTEM_FONTS", "FontMissing", "pdf", "pdf_font", "sections", "xlsx"]


@dataclass
class Section:
    title: str
    headers: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    widths: tuple[int, ...] | None = None  # relative column widths in the PDF


def _rule_set(entry: Mapping[str, Any], titles: Mapping[str, str]) -> str:
    """A rule set as people know it: its title and version ("第 1 版" / "v1"), not its key."""
    return f"{titles.get(entry['name'], entry['name'])} {_('v%(n)d', n=entry['version'])}"


def _rule_sets(entries: Sequence[Mapping[str, Any]], titles: Mapping[str, str], zh: bool) -> str:
    return ("、" if zh else ", ").join(_rule_set(r, titles) for r in entries) or "—"


def _cites(entries: Sequence[Mapping[str, Any]]) -> str:
    return "; ".join(str(c["clause"]) for c in entries) or "—"


def _label(labels: Mapping[Any, Any], code: str) -> str:
    return str(labels.get(code, code))


def _role(code: str) -> str:
    return _label(cat.PARTY_ROLE_SHORT, code)


def _yes(flag: Any) -> str:
    return _("Yes") if flag else _("No")


def sections(saved: Statement, *, zh: bool, tax_show: Any, sub_show: Any,
             rule_titles: Mapping[str, str] | None = None, **_unused: Any) -> list[Section]:
    """The statement as titled tables; amounts stay ``Decimal`` for the spreadsheet."""
    res = saved.result
    titles = rule_titles or {}
    numbers = {c["id"]: c.get("registration_number") or f"#{c['id']}" for c in res.get("contracts", [])}
    head = Section(_("Yearly statement of %(org)s for tax year %(year)d", org=res["organisation"]["name"],
                     year=saved.tax_year), [_("Item"), _("Value")], [
        [_("Statement number"), f"#{saved.id}"], [_("Organisation"), res["organisation"]["name"]],
        [_("Unified social credit code"), res["organisation"].get("credit_code") or "—"],
        [_("Tax year"), saved.tax_year], [_("Label"), saved.label or "—"],
        [_("Saved"), to_local(saved.created_at).strftime("%Y-%m-%d %H:%M")],
        [_("Rule-set versions used"), _rule_sets(saved.rule_sets, titles, zh)],
    ], [str(ESTIMATE_NOTE), _("A snapshot: later changes of the rule sets do not alter it.")])
    for flag in saved.flags:
        head.notes.append(_("Contract %(number)s was %(action)s after this statement was saved: review. %(reason)s",
                            number=numbers.get(flag.contract_id, f"#{flag.contract_id}"),
                            action=FLAG_ACTIONS.get(flag.action, flag.action), reason=flag.reason))
    out = [head, Section(_("Registered contracts of the tax year"), [
        _("Contract registration number"), _("Title"), _("Type"), _("Role"), _("Date of registration"),
        _("Technical transaction amount")], [
        [numbers[c["id"]], c["title"], cat.type_label(c["type_code"], c["subtype_code"]),
         ", ".join(_role(r) for r in c["roles"]), c["registered_on"],
         as_decimal(c["technical_amount"])] for c in res.get("contracts", [])])]
    if res.get("excluded"):
        out.append(Section(_("Contracts excluded"), [_("Contract"), _("Status"), _("Reason")], [
            [e.get("registration_number") or e["title"], _label(cat.STATUS_LABELS, e["status"]),
             _("Earns no benefit: only registered contracts do (POLICY §3).")] for e in res["excluded"]]))
    transfer = res.get("transfer")
    if transfer:
        tax = transfer["result"]
        section = Section(_("Technology-transfer income tax exemption (as seller)"), [_("Item"), _("Amount")],
                          [[tax_show.label(k), as_decimal(tax[k])] for k in TAX_FIGURES],
                          [_("Citations: %(c)s", c=_cites(tax["citations"])),
                           _("Rule sets: %(r)s", r=_rule_sets(tax["rule_sets"], titles, zh))])
        section.rows.append([tax_show.label("cit_rate"), tax_show.text("cit_rate", tax["cit_rate"])])
        out.append(section)
        out.append(Section(_("Gain per contract"), [
            _("Contract"), _("Kind"), _("Qualifies"), _("Technology income"), _("Cost"), _("Related taxes"),
            _("Period expenses"), _("Gain")], [
            [c["id"], tax_show.text("kind", c["kind"]), _yes(c["qualifies"]), as_decimal(c["technology_income"]),
             as_decimal(c["cost"]), as_decimal(c["related_taxes"]), as_decimal(c["period_expenses"]),
             as_decimal(c["gain"])]
            for c in tax["contracts"]],
            [f"{c['id']}: " + "; ".join(tax_show.message(r) for r in c["reasons"] if not r["met"])
             for c in tax["contracts"] if not c["qualifies"]]))
        out.append(Section(_("How the exemption was computed"), [_("Step"), _("Formula"), _("Amount")], [
            [tax_show.step_label(s), s["formula"], as_decimal(s["amount"])] for s in tax["steps"]],
            [tax_show.message(w) for w in tax.get("warnings", [])], widths=(34, 46, 20)))
    subs = res.get("subsidies", [])
    if subs:
        totals = res["subsidy_totals"]
        notes = [_("Claim year %(y)d: its registration window covers this tax year; a contract registered after "
                   "the window's end is computed for the next claim year.", y=res["claim_year"])]
        notes += sorted({_("Citations: %(c)s", c=_cites(s["result"]["citations"])) for s in subs})
        used = {(r["name"], r["version"]): r for s in subs for r in s["result"]["rule_sets"]}
        notes += [_("Rule sets: %(r)s", r=_rule_sets(list(used.values()), titles, zh))]
        rows = [[numbers.get(s["contract_id"], s["contract_id"]), _role(s["role"]),
                 s["result"]["claim_year"], as_decimal(s["amount"]), _yes(s["result"]["eligible"]),
                 "; ".join(sub_show.message(r) for r in s["result"]["reasons"] if not r["met"]) or "—",
                 as_decimal(s["result"]["subsidy"])] for s in subs]
        rows += [[_("Total"), _role(r), "", "", "", "", as_decimal(totals[r])]
                 for r in ("buyer", "seller", "agency") if as_decimal(totals[r])]
        rows.append([_("Total"), "", "", "", "", "", as_decimal(totals["total"])])
        out.append(Section(_("Technology-transaction post-subsidy"), [
            _("Contract"), _("Role"), _("Claim year"), _("Amount counted"), _("Eligible"), _("Conditions not met"),
            _("Subsidy")], rows, notes))
    att = res.get("attribution", {})
    out.append(Section(_("Broker and agency attribution"), [_("Role"), _("Contracts"), _("Technical amount")], [
        [_role(r), att.get(r, {}).get("count", 0), as_decimal(att.get(r, {}).get("amount"))]
        for r in ("broker", "agency")], [_("Citation: %(c)s", c=att.get("citation", {}).get("clause", "(十一)"))]))
    out.append(Section(_("Citations"), [_("Clause"), _("Text")],
                       [[c["clause"], c["text"]] for c in res.get("citations", [])], widths=(28, 72)))
    out.append(Section(_("Rule-set versions used"), [_("Rule set"), _("Version"), _("In force from"), _("Source")],
                       [[titles.get(r["name"], r["name"]), _("v%(n)d", n=r["version"]), r.get("effective_from", ""),
                         r.get("source", "")]
                        for r in saved.rule_sets], widths=(30, 10, 16, 44)))
    return out


def _cell(value: Any) -> str:
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    return "—" if value is None else str(value)


def pdf(saved: Statement, config: Mapping[str, Any], **display: Any) -> bytes:
    """The statement as PDF; :class:`FontMissing` when the server has no CJK font."""
    doc = cjk_document(config, title=f"statement-{saved.id}", bottom_margin=15,
                       missing=_("The server lacks a font with Chinese characters, so the PDF cannot be made. "
                                 "Download the XLSX instead, or ask the operator to install fonts-noto-cjk or set "
                                 "TECHMARKET_PDF_FONT."))
    heading = FontFace(emphasis="", fill_color=(232, 238, 246))
    for index, section in enumerate(sections(saved, **display)):
        if doc.get_y() > doc.h - 45:  # keep a title with the start of its table
            doc.add_page()
        doc.set_font("cjk", size=14 if index == 0 else 11.5)
        doc.multi_cell(0, 8, section.title, new_x="LMARGIN", new_y="NEXT")
        doc.set_font("cjk", size=8.5)
        if section.rows:
            align = tuple("RIGHT" if any(isinstance(r[i], Decimal) for r in section.rows) else "LEFT"
                          for i in range(len(section.headers)))
            with doc.table(headings_style=heading, line_height=5, wrapmode="CHAR", text_align=align,
                           padding=1, col_widths=section.widths) as table:
                table.row(section.headers)
                for row in section.rows:
                    table.row([_cell(v) for v in row])
        for note in section.notes:
            doc.multi_cell(0, 5, note, align="L", new_x="LMARGIN", new_y="NEXT")
        doc.ln(3)
    return bytes(doc.output())


def xlsx(saved: Statement, **display: Any) -> bytes:
    """The statement as a workbook: one sheet of all sections, amounts as numbers in yuan; text neutralised
    by :mod:`techmarket.core.spreadsheets` (a contract title written by another organisation never runs)."""
    book = sheets.Book()
    sheet = book.sheet(_("Statement"), widths=(28, 36, 22, 18, 16, 30, 18, 18))
    header = sheets.RowStyle(bold=True, fill="E8EEF6")
    body = sheets.RowStyle(wrap=True, number_format="#,##0.00")
    for section in sections(saved, **display):
        sheet.append([section.title], sheets.RowStyle(bold=True, size=12))
        if section.rows:
            sheet.append(section.headers, header)
            for row in section.rows:
                sheet.append([v if isinstance(v, Decimal | int) else _cell(v) for v in row], body)
        for note in section.notes:
            sheet.append([note])
        sheet.append([])
    return book.to_bytes()
