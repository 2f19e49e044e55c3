"""The registrars' console: the review queue, the contract search (with CSV export) and the statistics.

Read-only pages for registrars and the market operator: each view checks the actor through
:func:`console_queries.require_staff` (anonymous visitors are sent to sign in), parses the address through
the query module and renders. Nothing here writes, so nothing commits.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import Response, render_template, request, stream_with_context
from flask_babel import gettext as _
from flask_login import login_required

from techmarket.contracts import constants as cat
from techmarket.contracts import payments as payments_service
from techmarket.contracts import registrar_queries as cq
from techmarket.contracts.models import Contract
from techmarket.contracts.views.common import actor, paging
from techmarket.core.clock import local_today
from techmarket.core.pagination import paginate
from techmarket.core.spreadsheets import BOM, CSV_TYPE, csv_line
from techmarket.extensions import db

EXPORT_CAP = 10_000
SEARCH_ARGS = ("number", "party", "type", "status", "amount_min", "amount_max", "date_kind", "date_from", "date_to",
               "prefecture")


def _staff() -> None:
    cq.require_staff(actor())


@login_required
def queue() -> str:
    _staff()
    status = request.args.get("status", "")
    status = status if status in cat.IN_REVIEW else ""
    page = paginate(db.session, cq.queue(status or None), *paging())
    rows = cq.queue_rows(page.items, local_today())
    return render_template("contracts/console/queue.html", page=page, rows=rows, status=status,
                           statuses=[s for s in cat.Status if s in cat.IN_REVIEW])


def _search_context(parsed: cq.ParsedSearch) -> dict[str, Any]:
    prefectures = cq.prefectures(db.session)
    return {
        "f": parsed.filters, "errors": parsed.errors,
        "raw": {name: request.args.get(name, "") for name in SEARCH_ARGS},
        "prefectures": prefectures, "prefecture_names": {d.code: d.label for d in prefectures},
        "types": cat.contract_types(),
        "statuses": list(cat.Status),
        "query": {name: request.args[name] for name in SEARCH_ARGS if request.args.get(name)},
    }


@login_required
def search() -> tuple[str, int]:
    _staff()
    parsed = cq.parse_search(db.session, request.args)
    page = None
    if not parsed.errors:
        page = paginate(db.session, cq.search(parsed.filters), *paging())
    return render_template("contracts/console/search.html", page=page, **_search_context(parsed)), \
        400 if parsed.errors else 200


def _csv_rows(contracts: Iterator[Contract]) -> Iterator[str]:
    names = {d.code: d.label for d in cq.prefectures(db.session)}
    yield BOM + csv_line([
        _("Contract registration number"), _("Status"), _("Contract"), _("Type"), _("Seller"),
        _("Seller's credit code"), _("Buyer"), _("Buyer's credit code"), _("League or city (盟市)"), _("Signed on"),
        _("Submitted on"),
        _("Date of registration"), _("Total amount (yuan)"), _("Technical transaction amount (yuan)")])
    for c in contracts:
        seller, buyer = c.seller, c.buyer
        yield csv_line([
            c.registration_number or "", cat.STATUS_LABELS.get(cat.Status(c.status), c.status), c.title,
            cat.type_label(c.type_code, c.subtype_code), seller.name if seller else "",
            (seller.credit_code or seller.foreign_registration or "") if seller else "",
            buyer.name if buyer else "", (buyer.credit_code or buyer.foreign_registration or "") if buyer else "",
            names.get(c.prefecture_code or "", c.prefecture_code or ""), c.signed_on.isoformat(),
            c.submitted_at.date().isoformat() if c.submitted_at else "",
            c.registered_on.isoformat() if c.registered_on else "", c.total_amount, c.technical_amount])


@login_required
def export() -> Response | tuple[str, int]:
    """The filtered list as CSV (UTF-8 with a byte-order mark, so spreadsheet programs read the Chinese)."""
    _staff()
    parsed = cq.parse_search(db.session, request.args)
    if parsed.errors:
        return render_template("contracts/console/search.html", page=None, **_search_context(parsed)), 400
    stmt = cq.search(parsed.filters).limit(EXPORT_CAP)
    contracts = db.session.scalars(stmt).all()
    name = f"contracts-{local_today():%Y%m%d}.csv"
    return Response(stream_with_context(_csv_rows(iter(contracts))), mimetype=CSV_TYPE,
                    headers={"Content-Disposition": f"attachment; filename={name}", "Cache-Control": "no-store"})


@login_required
def stats() -> tuple[str, int]:
    _staff()
    today = local_today()
    year, problem = cq.parse_year(request.args.get("year"), today)
    figures = cq.statistics(db.session, year)
    months = {int(f.key): cq.month_days(year, int(f.key)) for f in figures.by_month}
    return render_template("contracts/console/stats.html", s=figures, year=year, problem=problem,
                           raw_year=request.args.get("year", ""), years=cq.statistics_years(db.session, today),
                           months=months), 400 if problem else 200


@login_required
def payments() -> str:
    """Payments the parties recorded, waiting for the operator to check them against the receipts."""
    page = paginate(db.session, payments_service.pending(actor()), *paging())
    return render_template("contracts/console/payments.html", page=page)
