"""A yearly report as titled tables, and those tables as PDF (fpdf2 with the server's CJK font, found as the
statements find it) and XLSX (through :mod:`techmarket.core.spreadsheets`, the one spreadsheet writer)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from fpdf.fonts import FontFace

from techmarket.core import spreadsheets as sheets
from techmarket.core.pdf_fonts import cjk_document
from techmarket.incentives.statement_export import Section

CLAUSE = "（二十八）"


def _amount(text: str | None) -> Decimal | None:
    return Decimal(text) if text not in (None, "") else None


def sections(content: Mapping[str, Any]) -> list[Section]:
    name, year = content["prefecture"]["name"], content["year"]
    out = [Section(_("%(area)s: the year %(year)d on the technology market", area=name, year=year), [], [], [
        _("Generated from the platform's records on %(when)s (UTC). Report under clause %(clause)s of the 科技兴蒙 "
          "policy.", when=content["generated_at"][:16].replace("T", " "), clause=CLAUSE)])]
    rows = []
    for s in content["summary"]:
        rows.append([s["label"], s["this"]["count"], s["last"]["count"], s["change_count"] or "—",
                     s["region"]["count"], (s["share"] or "—") if not s["amount_label"] else "—"])
        if s["amount_label"]:
            rows.append([s["amount_label"], _amount(s["this"]["amount"]), _amount(s["last"]["amount"]),
                         s["change_amount"] or "—", _amount(s["region"]["amount"]), s["share"] or "—"])
    out.append(Section(_("Figures for %(year)d", year=year),
                       [_("Figure"), str(year), str(year - 1), _("Change"), _("Whole region"),
                        _("Share of the region")],
                       rows, [_("Amounts in yuan. Counted by the month of publication, conclusion, registration or "
                                "payment; rescinded contracts and withdrawn listings do not count.")],
                       widths=(30, 14, 14, 12, 16, 14)))
    for group in content["groups"].values():
        head = [group["head"], _("Count")] + ([group["amount_label"]] if group["amount_label"] else [])
        grows = [[r["label"], r["count"]] + ([_amount(r["amount"])] if group["amount_label"] else [])
                 for r in group["rows"]]
        out.append(Section(group["title"], head, grows, [] if grows else [_("None in this year.")]))
    out.append(Section(_("Platforms and bodies recognised in %(area)s", area=name),
                       [_("Level"), _("Kind"), _("By the end of the year"), _("New in the year")],
                       [[b["level"], b["kind"], b["count"], b["new"]] for b in content["bodies"]],
                       [] if content["bodies"] else [_("None recorded.")], widths=(18, 50, 16, 16)))
    if content.get("not_recorded"):
        out.append(Section(_("Not recorded on the platform yet"), [], [], list(content["not_recorded"])))
    return out


def _cell(value: Any) -> str:
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    return "—" if value is None else str(value)


def pdf(content: Mapping[str, Any], config: Mapping[str, Any]) -> bytes:
    doc = cjk_document(config, title=f"report-{content['prefecture']['code']}-{content['year']}", bottom_margin=15,
                       missing=_("The server lacks a font with Chinese characters, so the PDF cannot be made. "
                                 "Download the XLSX instead, or ask the operator to install fonts-noto-cjk or set "
                                 "TECHMARKET_PDF_FONT."))
    heading = FontFace(emphasis="", fill_color=(232, 238, 246))
    for index, section in enumerate(sections(content)):
        if doc.get_y() > doc.h - 45:
            doc.add_page()
        doc.set_font("cjk", size=14 if index == 0 else 11.5)
        doc.multi_cell(0, 8, section.title, new_x="LMARGIN", new_y="NEXT")
        doc.set_font("cjk", size=8.5)
        if section.rows:
            align = tuple("RIGHT" if any(isinstance(r[i], Decimal | int) for r in section.rows) else "LEFT"
                          for i in range(len(section.headers)))
            with doc.table(headings_style=heading, line_height=5, wrapmode="CHAR", text_align=align, padding=1,
                           col_widths=section.widths) as table:
                table.row(section.headers)
                for row in section.rows:
                    table.row([_cell(v) for v in row])
        for note in section.notes:
            doc.multi_cell(0, 5, note, align="L", new_x="LMARGIN", new_y="NEXT")
        doc.ln(3)
    return bytes(doc.output())


def xlsx(content: Mapping[str, Any]) -> bytes:
    book = sheets.Book()
    sheet = book.sheet(_("Report"), widths=(36, 16, 16, 12, 18, 14))
    header = sheets.RowStyle(bold=True, fill="E8EEF6")
    body = sheets.RowStyle(wrap=True, number_format="#,##0.00")
    for section in sections(content):
        sheet.append([section.title], sheets.RowStyle(bold=True, size=12))
        if section.rows:
            sheet.append(section.headers, header)
            for row in section.rows:
                sheet.append([v if isinstance(v, Decimal | int) else _cell(v) for v in row], body)
        for note in section.notes:
            sheet.append([note])
        sheet.append([])
    return book.to_bytes()
